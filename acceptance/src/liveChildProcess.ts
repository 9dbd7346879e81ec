// Two real processes on one store: the live child of the crash test (liveChild.ts) run once
// uninterrupted (the reference), then twice at the same time on another store of the same adapter (the
// second must refuse: the first holds the run's lease), then the first is SIGKILLed and a restart must
// wait out its lease, take over and finish with the reference outcome.

import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readClock, scenarioOutcome } from "./crashHarness";
import type { IFaultAdapter } from "./faultStores";
import { SCENARIO_START_MS } from "./liveScenario";

const ACCEPTANCE_DIR = fileURLToPath(new URL("..", import.meta.url));
const CHILD = fileURLToPath(new URL("./liveChild.ts", import.meta.url));
const MINUTE_MS = 60_000;
/** Scenario length of the two-process case, simulated minutes. */
const MINUTES = 90;

/** How a child process ended. */
export interface IChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface IChild {
  process: ChildProcess;
  loaded: Promise<void>;
  go(): void;
  exit: Promise<IChildExit>;
}

function spawnChild(args: string[], options: { standby?: boolean } = {}): IChild {
  const child = spawn(
    process.execPath,
    [
      "--conditions",
      "@bt/source",
      "--import",
      "tsx",
      CHILD,
      ...args,
      ...(options.standby ? ["--standby"] : []),
    ],
    { cwd: ACCEPTANCE_DIR, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  let onLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => {
    onLoaded = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes("loaded\n")) onLoaded();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.on("error", () => undefined);
  const exit = new Promise<IChildExit>((resolve) => {
    child.on("exit", (code, signal) => {
      onLoaded();
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (!options.standby) child.stdin?.end();
  return { process: child, loaded, go: () => child.stdin?.end("go\n"), exit };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the two-process case saw. */
export interface ITakeoverReport {
  firstPid: number;
  refused: IChildExit;
  firstExit: IChildExit;
  takeover: IChildExit;
  referenceOutcome: Awaited<ReturnType<typeof scenarioOutcome>>;
  killedOutcome: Awaited<ReturnType<typeof scenarioOutcome>>;
}

/**
 * Runs the reference, the refused second process, the SIGKILL of the first and the takeover on
 * `adapter` (clock files under `root`).
 * @throws Error when a child fails in a way the case does not expect (the reference, the first's end).
 */
export async function runChildTakeover(adapter: IFaultAdapter, root: string): Promise<ITakeoverReport> {
  const argsOf = (label: string, paceMs: number) => [
    ...adapter.childArgs(label),
    "--clock",
    join(root, `${adapter.name}-${label}.clock.json`),
    "--minutes",
    String(MINUTES),
    "--latency-ms",
    "0",
    "--pace-ms",
    String(paceMs),
  ];
  const outcomeOf = async (label: string) => {
    const persist = adapter.store(label).open();
    try {
      await persist.waitForInit();
      return await scenarioOutcome(persist);
    } finally {
      await persist.dispose();
    }
  };

  const reference = await spawnChild(argsOf("two_ref", 0)).exit;
  if (reference.code !== 0)
    throw new Error(`reference child failed (${reference.code}): ${reference.stderr}`);

  const label = "two_kill";
  const clockFile = join(root, `${adapter.name}-${label}.clock.json`);
  // 40 ms of real time per simulated minute: the first runs for seconds, long enough to meet the second.
  const first = spawnChild(argsOf(label, 40));
  const second = spawnChild(argsOf(label, 0), { standby: true });
  let firstEnded = false;
  void first.exit.then(() => {
    firstEnded = true;
  });
  await second.loaded;
  // The first holds the lease once its clock moves (the lease is taken before the first tick).
  while (!firstEnded && readClock(clockFile) < SCENARIO_START_MS + 2 * MINUTE_MS) await sleep(5);
  second.go();
  const refused = await second.exit;
  while (!firstEnded && readClock(clockFile) < SCENARIO_START_MS + 20 * MINUTE_MS) await sleep(5);
  first.process.kill("SIGKILL");
  const firstExit = await first.exit;
  const takeover = await spawnChild(argsOf(label, 0)).exit;
  return {
    firstPid: first.process.pid ?? -1,
    refused,
    firstExit,
    takeover,
    referenceOutcome: await outcomeOf("two_ref"),
    killedOutcome: await outcomeOf(label),
  };
}
