// Two real processes on one store: the live child of the crash test (liveChild.ts) run once
// uninterrupted (the reference), then twice at the same time on another store of the same adapter (the
// second must refuse: the first holds the run's lease), then the first is SIGKILLed and a restart must
// wait out its lease, take over and finish with the reference outcome.

import { join } from "node:path";
import { type IExit, readClock, scenarioOutcome, spawnLiveChild } from "./crashHarness";
import type { IFaultAdapter } from "./faultStores";
import { SCENARIO_START_MS } from "./liveScenario";

const MINUTE_MS = 60_000;
/** Scenario length of the two-process case, simulated minutes. */
const MINUTES = 90;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the two-process case saw. */
export interface ITakeoverReport {
  firstPid: number;
  refused: IExit;
  firstExit: IExit;
  takeover: IExit;
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

  const reference = await spawnLiveChild(argsOf("two_ref", 0)).exit;
  if (reference.code !== 0)
    throw new Error(`reference child failed (${reference.code}): ${reference.stderr}`);

  const label = "two_kill";
  const clockFile = join(root, `${adapter.name}-${label}.clock.json`);
  // 40 ms of real time per simulated minute: the first runs for seconds, long enough to meet the second.
  const first = spawnLiveChild(argsOf(label, 40));
  const second = spawnLiveChild(argsOf(label, 0), true);
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
  first.child.kill("SIGKILL");
  const firstExit = await first.exit;
  const takeover = await spawnLiveChild(argsOf(label, 0)).exit;
  return {
    firstPid: first.child.pid ?? -1,
    refused,
    firstExit,
    takeover,
    referenceOutcome: await outcomeOf("two_ref"),
    killedOutcome: await outcomeOf(label),
  };
}
