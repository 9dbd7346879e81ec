// The crash-test harness: starts the live child process (acceptance/src/liveChild.ts through tsx with
// the @bt/source condition), SIGKILLs it at random moments and restarts it until the scenario ends,
// noting in which commit phase each kill left the persisted state; and reads that state back.

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IPersistAdapterV2 } from "@bt/core";
import { createPaperBroker, readLiveState } from "@bt/engine";
import { SCENARIO, SCENARIO_START_MS, type ScenarioVariant, scenarioStrategyOf } from "./liveScenario";

const ACCEPTANCE_DIR = fileURLToPath(new URL("..", import.meta.url));
const CHILD = fileURLToPath(new URL("./liveChild.ts", import.meta.url));
const MINUTE_MS = 60_000;

/** How the child reaches its persistence. */
export type CrashAdapterArgs =
  | { adapter: "fs"; data: string }
  | { adapter: "redis"; prefix: string }
  | { adapter: "postgres"; schema: string };

/** The child's command-line arguments naming where its persistence lives. */
function adapterArgv(args: CrashAdapterArgs): string[] {
  switch (args.adapter) {
    case "fs":
      return ["--data", args.data];
    case "redis":
      return ["--prefix", args.prefix];
    case "postgres":
      return ["--schema", args.schema];
  }
}

/** One scenario run: adapter, clock file, scenario length and strategy variant (default plain). */
export interface ICrashScenario {
  adapterArgs: CrashAdapterArgs;
  clockFile: string;
  minutes: number;
  variant?: ScenarioVariant;
  /** Most random latency of a size change before and after its fill, ms (default the child's 3 ms). */
  changeLatencyMs?: number;
}

/** What a run with kills went through. */
export interface IKillReport {
  kills: number;
  lives: number;
  /**
   * Persisted phase found right after each kill: idle, opening, open, changing (a size change in
   * flight), closing, scheduled, cancelling.
   */
  phases: Record<string, number>;
  durationMs: number;
}

/** How a live child process ended. */
export interface IExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running live child (acceptance/src/liveChild.ts). */
export interface ILife {
  child: ChildProcess;
  /** Standby only: modules loaded, waiting for go(). */
  loaded: Promise<void>;
  /** Lets a standby process start. */
  go(): void;
  ready: Promise<void>;
  exit: Promise<IExit>;
}

function startLife(scenario: ICrashScenario, standby = false): ILife {
  const args = scenario.adapterArgs;
  return spawnLiveChild(
    [
      "--adapter",
      args.adapter,
      ...adapterArgv(args),
      "--clock",
      scenario.clockFile,
      "--minutes",
      String(scenario.minutes),
      "--variant",
      scenario.variant ?? "plain",
      ...(scenario.changeLatencyMs === undefined
        ? []
        : ["--change-latency-ms", String(scenario.changeLatencyMs)]),
    ],
    standby,
  );
}

/**
 * Starts the live child with `args`; with `standby` it loads its modules, prints "loaded" and waits for
 * go() before it starts (so a kill or a second process can be timed against a loaded one).
 */
export function spawnLiveChild(args: ReadonlyArray<string>, standby = false): ILife {
  const child = spawn(
    process.execPath,
    ["--conditions", "@bt/source", "--import", "tsx", CHILD, ...args, ...(standby ? ["--standby"] : [])],
    { cwd: ACCEPTANCE_DIR, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  let onReady: () => void = () => undefined;
  let onLoaded: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const loaded = new Promise<void>((resolve) => {
    onLoaded = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes("loaded\n")) onLoaded();
    if (stdout.includes("ready\n")) onReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A process killed before it read its stdin closes the pipe: not an error here.
  child.stdin?.on("error", () => undefined);
  const exit = new Promise<IExit>((resolve) => {
    child.on("exit", (code, signal) => {
      onLoaded();
      onReady();
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (!standby) child.stdin?.end();
  return { child, loaded, go: () => child.stdin?.end("go\n"), ready, exit };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The simulated time saved by the child, epoch ms (the scenario start before the first tick). */
export function readClock(clockFile: string): number {
  try {
    return (JSON.parse(readFileSync(clockFile, "utf8")) as { nowMs: number }).nowMs;
  } catch {
    return SCENARIO_START_MS;
  }
}

/**
 * Runs the scenario to its end without interruption.
 * @throws Error when the child fails.
 */
export async function runUninterrupted(scenario: ICrashScenario): Promise<void> {
  const life = startLife(scenario);
  const result = await life.exit;
  if (result.code !== 0 || !result.stdout.includes("done\n")) {
    throw new Error(`live child failed (code ${result.code}, signal ${result.signal}): ${result.stderr}`);
  }
}

/**
 * Runs the scenario with at least `targetKills` SIGKILLs at random moments, restarting the child each
 * time, until a life ends the scenario. The next child is loaded while the current one runs (it touches
 * nothing before it is told to go). Kill moments are random and spread over the whole scenario (see
 * runLife). `inspect` reads the persisted phase after a kill.
 * @throws Error when a child fails by itself or the scenario never ends.
 */
export async function runWithKills(
  scenario: ICrashScenario,
  targetKills: number,
  inspect: () => Promise<string>,
): Promise<IKillReport> {
  const startedAt = performance.now();
  const phases: Record<string, number> = {};
  let kills = 0;
  let lives = 0;

  /**
   * Runs one started life; while kills are still wanted it is killed at a random moment: one life in six
   * right after it starts (in the restore), the others once the simulated clock has passed a random
   * minute of this life's share of the remaining scenario, plus a random 0–40 ms of real time.
   */
  const runLife = async (life: ILife, clockBefore: number): Promise<"killed" | "done"> => {
    await life.ready;
    const killsLeft = targetKills - kills;
    let killed = false;
    let exited = false;
    const kill = () => {
      if (!exited) killed = life.child.kill("SIGKILL");
    };
    const killer = async () => {
      if (killsLeft <= 0) return;
      if (Math.random() < 1 / 6) {
        await sleep(Math.random() * 30);
        kill();
        return;
      }
      // The last 15% of the scenario is never aimed at: a late kill must still find work to interrupt.
      const remainingMinutes = 0.85 * scenario.minutes - (clockBefore - SCENARIO_START_MS) / MINUTE_MS;
      const shareMinutes = Math.max(0, remainingMinutes) / (killsLeft + 1);
      const targetMs = clockBefore + Math.floor(Math.random() * 2 * shareMinutes) * MINUTE_MS;
      while (!exited && readClock(scenario.clockFile) < targetMs) await sleep(1);
      // A random real moment of the following ticks: real time is spent mostly inside commits (fsync,
      // broker), so that is where most kills land.
      await sleep(Math.random() * 40);
      kill();
    };
    const killing = killer();
    const result = await life.exit;
    exited = true;
    await killing;
    if (killed && result.signal === "SIGKILL") {
      kills++;
      const phase = await inspect();
      phases[phase] = (phases[phase] ?? 0) + 1;
      return "killed";
    }
    if (result.code !== 0 || !result.stdout.includes("done\n")) {
      throw new Error(`live child failed (code ${result.code}, signal ${result.signal}): ${result.stderr}`);
    }
    return "done";
  };

  let standby = startLife(scenario, true);
  try {
    for (;;) {
      lives++;
      if (lives > targetKills * 4) throw new Error(`the scenario did not finish after ${lives - 1} lives`);
      const life = standby;
      await life.loaded;
      const clockBefore = readClock(scenario.clockFile);
      life.go();
      standby = startLife(scenario, true);
      if ((await runLife(life, clockBefore)) === "done") {
        return { kills, lives, phases, durationMs: performance.now() - startedAt };
      }
    }
  } finally {
    standby.child.kill("SIGKILL");
    await standby.exit;
  }
}

/**
 * The persisted phase of the scenario strategy of `variant`: idle, opening, open, changing, closing,
 * scheduled or cancelling.
 */
export async function persistedPhase(
  persist: IPersistAdapterV2,
  variant: ScenarioVariant = "plain",
): Promise<string> {
  const strategyName = scenarioStrategyOf(variant).strategyName;
  const state = await readLiveState(persist, SCENARIO.symbol, strategyName, SCENARIO.exchangeName);
  return state.position?.phase ?? state.scheduled?.phase ?? "idle";
}

/** What must match between an interrupted and an uninterrupted run of `variant` (default plain). */
export async function scenarioOutcome(persist: IPersistAdapterV2, variant: ScenarioVariant = "plain") {
  const strategyName = scenarioStrategyOf(variant).strategyName;
  const state = await readLiveState(persist, SCENARIO.symbol, strategyName, SCENARIO.exchangeName);
  const orders = await createPaperBroker({ persist }).orders();
  return {
    closed: state.closed.map((result) => ({
      id: result.signal.id,
      position: result.signal.position,
      pendingAt: result.signal.pendingAt,
      closedAt: result.timestamp,
      reason: result.closeReason,
      priceOpen: result.pnl.priceOpen,
      priceClose: result.pnl.priceClose,
      pnlPercentage: result.pnl.pnlPercentage,
      // Every entry and partial exit: model price, kind, source / reason, cost / fraction, and the
      // broker's executed price (what the pnl is computed from).
      fills: result.signal.fills,
      priceStopLoss: result.signal.priceStopLoss,
      originalStopLoss: result.signal.originalStopLoss,
    })),
    position:
      state.position === null
        ? null
        : { id: state.position.signal.id, phase: state.position.phase, fills: state.position.signal.fills },
    scheduled:
      state.scheduled === null ? null : { id: state.scheduled.signal.id, phase: state.scheduled.phase },
    orders: orders.map((order) => ({
      clientOrderId: order.clientOrderId,
      signalId: order.signalId,
      leg: order.leg,
      price: order.price,
      quantity: order.quantity,
      filledAt: order.filledAt,
    })),
    /** Broker requests answered from the order book (retries after kills). */
    repeatedRequests: orders.reduce((sum, order) => sum + order.requestCount - 1, 0),
  };
}
