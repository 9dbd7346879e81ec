// `pnpm bench` (root: builds, then runs this with tsx on the built packages). Interleaved rounds: every
// round runs each bt scenario and then its floors, each in its own child process (its peak RSS and JIT
// are its own); medians over the rounds, ratios to the floors, then memory per candle, CSV load, the
// sweep (interleaved 1/2 threads) and start-up. Prints progress lines; with --json, ONE JSON object as the
// last line. Options: --rounds N (default 5), --quick (1 round, smaller CSV: a smoke run).
// From source without a build: pnpm --filter @bt/bench exec tsx --conditions @bt/source src/run.ts --json

import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type IRatioSpread, median, pairedRatios, round, summarize } from "./benchStats";
import { type ITarget, TARGET_LIMITS, target } from "./benchTargets";
import { runChild, useCompiledHarness } from "./childProcess";
import { compileHarness, runsFromSource } from "./compiledHarness";
import { csvLoadRows, type ICsvLoadResult, measureCsvLoad, writeBinanceCsv } from "./csvReadBench";
import { FLOOR_VARIANTS, type FloorScenario, type FloorVariant } from "./floors/floorScenarios";
import { type IMemoryResult, measureCandleMemory } from "./memoryBench";
import { BENCH_START_MS } from "./scenarios";
import {
  BT_SCENARIOS,
  type BtScenario,
  engineColumnView,
  type ITimedRun,
  MANAGED_SCENARIO,
  RUNS_PER_CHILD,
  timeBtScenario,
  timeEveryMinuteColumnView,
  timeFloor,
  timeManagedScenario,
  WARM_RUNS,
} from "./scenarioTimings";
import type { IStartupResult } from "./startupBench";
import type { ISweepBenchResult } from "./sweepBench";

const LABELS: Record<BtScenario, string> = {
  year15m: "1 year of 1m candles, SMA crossover on 15m, TP/SL",
  year1m: "1 year of 1m candles, SMA crossover on 1m (getSignal every idle minute)",
  year1mEveryMinute: "1 year, getSignal on all 525,600 minutes (getCandles + SMA, never trades)",
  walker10: "walker: 10 SMA strategies over 30 days",
};

/** What a child process measures, by the name run.ts is forked with. */
async function childMain(measurement: string, args: string[]): Promise<unknown> {
  switch (measurement) {
    case "bt":
      return timeBtScenario(args[0] as BtScenario);
    case "floor":
      return timeFloor(args[0] as FloorScenario, args[1] as FloorVariant);
    case "btColumnView":
      return timeEveryMinuteColumnView();
    case "managed":
      return timeManagedScenario();
    case "memory":
      return measureCandleMemory(args[0] === "objects" ? "objects" : "columns");
    case "csvLoad":
      return measureCsvLoad(args[0] ?? "", Number(args[1]));
    default:
      throw new Error(`unknown bench measurement ${measurement}`);
  }
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work`; on failure logs it and returns the reason instead. */
async function attempt<T>(label: string, work: () => Promise<T>): Promise<T | { failed: string }> {
  try {
    return await work();
  } catch (error) {
    console.log(`${label} skipped: ${messageOf(error)}`);
    return { failed: messageOf(error) };
  }
}

function failed<T>(value: T | { failed: string }): value is { failed: string } {
  return typeof value === "object" && value !== null && "failed" in value;
}

async function csvLoad(rows: number): Promise<ICsvLoadResult> {
  const directory = await mkdtemp(join(tmpdir(), "bt-csv-load-"));
  try {
    const path = join(directory, "BTCUSDT-1m-load.csv");
    await writeBinanceCsv(path, rows);
    const { size } = await stat(path);
    return await runChild<ICsvLoadResult>("csvLoad", [path, String(size)]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const measurement = option(args, "--child");
  if (measurement !== undefined) {
    const index = args.indexOf("--child");
    process.send?.(await childMain(measurement, args.slice(index + 2)));
    return;
  }
  // Children run a compiled run.ts without tsx (its hooks thread is ≈ 36 MB of RSS per child, not bt's),
  // unless the packages run from source, which needs tsx.
  const harness = runsFromSource() ? undefined : await compileHarness(fileURLToPath(import.meta.url));
  useCompiledHarness(harness);
  try {
    await measure(args);
  } finally {
    if (harness !== undefined) await rm(harness, { force: true });
  }
}

async function measure(args: string[]) {
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const rounds = Math.max(1, Number(option(args, "--rounds") ?? (quick ? 1 : 5)) || 5);
  const hasColumnView = engineColumnView() !== undefined;

  // 1. Interleaved rounds: bt scenario, then its floors, scenario after scenario.
  const runs = new Map<string, ITimedRun[]>();
  const keep = (run: ITimedRun) => {
    const list = runs.get(run.name) ?? [];
    list.push(run);
    runs.set(run.name, list);
  };
  let columnViewReason: string | undefined = hasColumnView ? undefined : "no column view";
  for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
    const line: string[] = [];
    for (const scenario of BT_SCENARIOS) {
      const bt = await runChild<ITimedRun>("bt", [scenario]);
      keep(bt);
      line.push(`${scenario} ${bt.ms.toFixed(0)}/${bt.warmMs.toFixed(0)}`);
      for (const variant of FLOOR_VARIANTS[scenario]) {
        const floor = await runChild<ITimedRun>("floor", [scenario, variant]);
        keep(floor);
        line.push(`${variant} ${floor.ms.toFixed(0)}/${floor.warmMs.toFixed(0)}`);
      }
      if (scenario === "year15m") {
        // The position-management scenario right after its plain twin (same candles and entries).
        const managed = await runChild<ITimedRun>("managed");
        keep(managed);
        line.push(`${MANAGED_SCENARIO} ${managed.ms.toFixed(0)}/${managed.warmMs.toFixed(0)}`);
      }
      if (scenario === "year1mEveryMinute" && hasColumnView && columnViewReason === undefined) {
        try {
          keep(await runChild<ITimedRun>("btColumnView"));
        } catch (error) {
          columnViewReason = `column view run failed: ${messageOf(error)}`;
        }
      }
    }
    console.log(`round ${roundIndex + 1}/${rounds} (ms, cold/warm): ${line.join(", ")}`);
  }
  const medianMs = (name: string) => median((runs.get(name) ?? []).map((run) => run.ms));
  const medianWarmMs = (name: string) => median((runs.get(name) ?? []).map((run) => run.warmMs));
  const medianRss = (name: string) => median((runs.get(name) ?? []).map((run) => run.peakRssMb));
  const first = (name: string) => runs.get(name)?.[0] as ITimedRun;
  // Per-round ratios of cold runs made in the same round: how far the machine's noise moves a ratio.
  const coldMs = (name: string) => (runs.get(name) ?? []).map((run) => run.ms);
  const roundRatios: Record<string, Record<string, IRatioSpread | null>> = {};
  const spreadText = (spread: IRatioSpread | null | undefined) =>
    spread ? `rounds ${spread.min}–${spread.max}` : "rounds n/a";

  const floors: Record<string, Record<string, unknown>> = {};
  const ratios: Record<string, Record<string, number>> = {};
  const warmRatios: Record<string, Record<string, number>> = {};
  const floorMismatches: string[] = [];
  for (const scenario of BT_SCENARIOS) {
    const bt = first(scenario);
    const entry: Record<string, unknown> = {};
    const ratio: Record<string, number> = {};
    const warmRatio: Record<string, number> = {};
    const roundRatio: Record<string, IRatioSpread | null> = {};
    let sameAsBt = true;
    for (const variant of FLOOR_VARIANTS[scenario]) {
      const name = `${scenario}:${variant}`;
      const floor = first(name);
      // Every run of bt and of the floor must give bt's first answer (all are deterministic).
      const same = [...(runs.get(scenario) ?? []), ...(runs.get(name) ?? [])].every((run) =>
        scenario === "year1mEveryMinute"
          ? run.calls === bt.calls && run.crossings === bt.crossings
          : run.trades === bt.trades,
      );
      if (!same) {
        sameAsBt = false;
        floorMismatches.push(
          `${name}: ${floor.trades} trades, ${floor.calls} calls, ${floor.crossings ?? "-"} crossings vs bt ${bt.trades}, ${bt.calls ?? "-"}, ${bt.crossings ?? "-"}`,
        );
      }
      entry[`${variant}Ms`] = round(medianMs(name), 1);
      entry[`${variant}WarmMs`] = round(medianWarmMs(name), 1);
      ratio[variant] = round(medianMs(scenario) / medianMs(name), 2);
      warmRatio[variant] = round(medianWarmMs(scenario) / medianWarmMs(name), 2);
      roundRatio[variant] = pairedRatios(coldMs(scenario), coldMs(name));
    }
    entry.trades = first(`${scenario}:sync`).trades;
    entry.sameAsBt = sameAsBt;
    floors[scenario] = entry;
    ratios[scenario] = ratio;
    warmRatios[scenario] = warmRatio;
    roundRatios[scenario] = roundRatio;
    const perSecond = Math.round(bt.candles / (medianMs(scenario) / 1000));
    console.log(
      `${LABELS[scenario]}: median ${medianMs(scenario).toFixed(0)} ms, ${perSecond.toLocaleString("en-US")} candles/s, ${bt.trades} trades, peak RSS ${medianRss(scenario).toFixed(0)} MB; floors ${FLOOR_VARIANTS[scenario].map((variant) => `${variant} ${medianMs(`${scenario}:${variant}`).toFixed(0)} ms (×${ratio[variant]}, ${spreadText(roundRatio[variant])})`).join(", ")}`,
    );
  }
  console.log(
    `warm (median of runs ${RUNS_PER_CHILD - WARM_RUNS + 1}–${RUNS_PER_CHILD} in each child, medians over the rounds): ${BT_SCENARIOS.map(
      (scenario) =>
        `${scenario} ${medianWarmMs(scenario).toFixed(0)} ms (${FLOOR_VARIANTS[scenario].map((variant) => `${variant} ×${warmRatios[scenario]?.[variant]}`).join(", ")})`,
    ).join("; ")}`,
  );
  for (const mismatch of floorMismatches) console.log(`FLOOR MISMATCH ${mismatch}`);
  const managedRatio = round(medianMs(MANAGED_SCENARIO) / medianMs("year15m"), 2);
  roundRatios[MANAGED_SCENARIO] = { year15m: pairedRatios(coldMs(MANAGED_SCENARIO), coldMs("year15m")) };
  console.log(
    `1 year at 15m with a trailing stop and a TP ladder: median ${medianMs(MANAGED_SCENARIO).toFixed(0)} ms, ${first(MANAGED_SCENARIO).trades} trades, ${first(MANAGED_SCENARIO).calls} partial exits, peak RSS ${medianRss(MANAGED_SCENARIO).toFixed(0)} MB; ×${managedRatio} the plain year15m (${spreadText(roundRatios[MANAGED_SCENARIO]?.year15m)}; warm ×${round(medianWarmMs(MANAGED_SCENARIO) / medianWarmMs("year15m"), 2)})`,
  );
  const columnViewMs = runs.has("year1mEveryMinute:btColumnView")
    ? round(medianMs("year1mEveryMinute:btColumnView"), 1)
    : null;

  // 2. Bytes per candle of a loaded year (each in a child with --expose-gc).
  const memory: Record<string, IMemoryResult | { failed: string }> = {};
  for (const exchange of ["columns", "objects"] as const) {
    memory[exchange] = await attempt(`memory (${exchange})`, () =>
      runChild<IMemoryResult>("memory", [exchange], ["--expose-gc"]),
    );
    const result = memory[exchange];
    if (!failed(result)) {
      console.log(
        `a year held (${exchange} exchange): ${result.bytesPerCandle} bytes per 1m candle, peak RSS ${result.peakRssMb} MB`,
      );
    }
  }

  // 3. CSV: reader throughput (1M rows, best of 3) and the peak RSS of loading a large file.
  const csvThroughput = await attempt("CSV read bench", async () => {
    const csv = await import("./csvReadBench");
    return csv.runCsvReadBench();
  });
  if (!failed(csvThroughput)) {
    console.log(
      `CSV read (@bt/exchange-file): ${csvThroughput.csvCandlesPerSecond.toLocaleString("en-US")} candles/s`,
    );
  }
  const csvRows = quick ? 500_000 : csvLoadRows();
  const csvLoadResult = await attempt("CSV load bench", () => csvLoad(csvRows));
  if (!failed(csvLoadResult)) {
    console.log(
      `CSV load of ${csvLoadResult.rows.toLocaleString("en-US")} rows (${Math.round(csvLoadResult.fileBytes / 1_048_576)} MB file): ${csvLoadResult.ms} ms, peak RSS ${csvLoadResult.peakRssMb} MB (${csvLoadResult.baselineRssMb} MB before the read) = ${csvLoadResult.peakRssRatio}× the ${Math.round(csvLoadResult.columnBytes / 1_048_576)} MB of columns, growth ${csvLoadResult.peakRssGrowthRatio}×`,
    );
  }

  // 4. Sweep: interleaved 1- and 2-thread rounds, pool start-up included.
  const sweep = await attempt("sweep bench", async () => {
    const sweepBench = await import("./sweepBench");
    return sweepBench.runSweepBench(rounds);
  });
  if (!failed(sweep)) {
    console.log(
      `sweep (@bt/cluster, ${sweep.backtests} backtests, ${sweep.rounds} interleaved rounds, start-up included): 1 thread ${sweep.sweep1ThreadPerSec} backtests/s, 2 threads ${sweep.sweep2ThreadsPerSec} backtests/s, scaling ${sweep.sweepScaling}x (a busy loop on 2 threads vs 1 at the time: ${sweep.machineScaling}x)`,
    );
  }

  // 5. Start-up: bt backtest to its first candle read, worker threads, bare imports.
  const startup = await attempt("start-up bench", async () => {
    const startupBench = await import("./startupBench");
    return startupBench.runStartupBench(quick ? 1 : 3);
  });
  if (!failed(startup)) {
    for (const [name, reason] of Object.entries(startup.reasons)) console.log(`start-up ${name}: ${reason}`);
    console.log(
      `start-up: bt backtest first candle read ${startup.cliFirstCandleReadMs ?? "n/a"} ms after process start (whole command ${startup.cliBacktestTotalMs ?? "n/a"} ms), worker with @bt/engine ${startup.workerEngineStartMs ?? "n/a"} ms (bare ${startup.workerBareStartMs ?? "n/a"} ms), import @bt/engine ${startup.importEngineMs ?? "n/a"} ms, @bt/cluster ${startup.importClusterMs ?? "n/a"} ms`,
    );
  }

  const yearPeakRssMb = Math.max(...(["year15m", "year1m", "year1mEveryMinute"] as const).map(medianRss));
  const memoryOf = (exchange: string) => {
    const result = memory[exchange];
    return result === undefined || failed(result) ? null : result.bytesPerCandle;
  };
  const okCsvLoad = failed(csvLoadResult) ? undefined : csvLoadResult;
  const okSweep: ISweepBenchResult | undefined = failed(sweep) ? undefined : sweep;
  const okStartup: IStartupResult | undefined = failed(startup) ? undefined : startup;
  const targets: Record<string, ITarget> = {};
  for (const scenario of BT_SCENARIOS) {
    targets[`${scenario}AsyncFloorRatio`] = target(
      ratios[scenario]?.async,
      TARGET_LIMITS.asyncFloorRatio,
      "×",
    );
  }
  targets.year15mSyncFloorRatio = target(ratios.year15m?.sync, TARGET_LIMITS.year15mSyncFloorRatio, "×");
  targets.year15mManagedRatio = target(managedRatio, TARGET_LIMITS.year15mManagedRatio, "×");
  targets.year1mEveryMinuteColumnViewMs = target(
    columnViewMs,
    TARGET_LIMITS.year1mEveryMinuteColumnViewMs,
    "ms",
    "max",
    columnViewReason,
  );
  targets.year1mEveryMinuteMs = target(
    round(medianMs("year1mEveryMinute"), 1),
    TARGET_LIMITS.year1mEveryMinuteMs,
    "ms",
  );
  targets.sweepScaling = target(
    okSweep?.sweepScaling,
    TARGET_LIMITS.sweepScaling,
    "×",
    "min",
    failed(sweep) ? sweep.failed : undefined,
  );
  targets.cliFirstCandleReadMs = target(
    okStartup?.cliFirstCandleReadMs,
    TARGET_LIMITS.cliFirstCandleReadMs,
    "ms",
    "max",
    failed(startup) ? startup.failed : okStartup?.reasons.cliFirstCandleReadMs,
  );
  targets.yearPeakRssMb = target(round(yearPeakRssMb), TARGET_LIMITS.yearPeakRssMb, "MB");
  targets.bytesPerCandleColumns = target(memoryOf("columns"), TARGET_LIMITS.bytesPerCandleColumns, "B");
  targets.bytesPerCandleObjects = target(memoryOf("objects"), TARGET_LIMITS.bytesPerCandleObjects, "B");
  targets.csvLoadPeakRssRatio = target(
    okCsvLoad?.peakRssGrowthRatio,
    TARGET_LIMITS.csvLoadPeakRssRatio,
    "×",
    "max",
    failed(csvLoadResult) ? csvLoadResult.failed : undefined,
  );
  const passed = Object.values(targets).filter((entry) => entry.pass).length;
  console.log(`targets: ${passed}/${Object.keys(targets).length} pass`);
  for (const [name, entry] of Object.entries(targets)) {
    console.log(
      `  ${entry.pass ? "pass" : "FAIL"} ${name}: ${entry.value ?? "null"} ${entry.kind === "max" ? "≤" : "≥"} ${entry.limit} ${entry.unit}${entry.reason ? ` (${entry.reason})` : ""}`,
    );
  }

  const year = first("year15m");
  const summary = {
    startMs: BENCH_START_MS,
    rounds,
    yearBacktestMs: Math.round(medianMs("year15m")),
    year15mManagedMs: Math.round(medianMs(MANAGED_SCENARIO)),
    year15mManagedTrades: first(MANAGED_SCENARIO).trades,
    year15mManagedPartials: first(MANAGED_SCENARIO).calls,
    year1mIntervalMs: Math.round(medianMs("year1m")),
    year1mEveryMinuteMs: Math.round(medianMs("year1mEveryMinute")),
    walker10Ms: Math.round(medianMs("walker10")),
    candlesPerSecond: Math.round(year.candles / (medianMs("year15m") / 1000)),
    peakRssMb: Math.round(Math.max(...BT_SCENARIOS.map(medianRss))),
    peakRssMbByScenario: Object.fromEntries(BT_SCENARIOS.map((name) => [name, Math.round(medianRss(name))])),
    tradesByScenario: Object.fromEntries(BT_SCENARIOS.map((name) => [name, first(name).trades])),
    msByScenario: Object.fromEntries(
      [...runs.keys()].map((name) => [name, summarize((runs.get(name) ?? []).map((run) => run.ms))]),
    ),
    warmRuns: { perChild: RUNS_PER_CHILD, median: WARM_RUNS },
    warmMsByScenario: Object.fromEntries(
      [...runs.keys()].map((name) => [name, summarize((runs.get(name) ?? []).map((run) => run.warmMs))]),
    ),
    floors,
    floorMismatches,
    ratios,
    roundRatios,
    warmRatios,
    year1mEveryMinuteColumnViewMs: columnViewMs,
    memory,
    ...(failed(csvThroughput) ? {} : { csvCandlesPerSecond: csvThroughput.csvCandlesPerSecond }),
    csvLoad: csvLoadResult,
    ...(okSweep === undefined
      ? {}
      : {
          sweep1ThreadPerSec: okSweep.sweep1ThreadPerSec,
          sweep2ThreadsPerSec: okSweep.sweep2ThreadsPerSec,
          sweepScaling: okSweep.sweepScaling,
          sweepMachineScaling: okSweep.machineScaling,
          sweepRounds: okSweep.perRound,
        }),
    startup,
    targets,
  };
  if (json) console.log(JSON.stringify(summary));
  if (floorMismatches.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
