// `pnpm bench` (root: builds, then runs this with tsx on the built packages). Each scenario runs in
// its own child process so its peak RSS is its own. Prints a table; with --json, prints ONE JSON
// object as the last line. Figures depend on the machine and its load.
// From source without a build: pnpm --filter @bt/bench exec tsx --conditions @bt/source src/run.ts --json

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  BENCH_START_MS,
  benchColumns,
  runEveryMinuteBacktest,
  runSmaBacktest,
  runSmaWalker,
} from "./scenarios";

const YEAR_MINUTES = 525_600;
const WALKER_MINUTES = 30 * 1440;

interface IScenarioResult {
  name: string;
  ms: number;
  candles: number;
  trades: number;
  peakRssMb: number;
}

async function timeScenario(name: string): Promise<IScenarioResult> {
  const seed = 20250101;
  if (name === "year15m" || name === "year1m") {
    const columns = benchColumns(seed, YEAR_MINUTES);
    const started = performance.now();
    const results = await runSmaBacktest({
      seed,
      minutes: YEAR_MINUTES,
      interval: name === "year15m" ? "15m" : "1m",
      columns,
    });
    const ms = performance.now() - started;
    const trades = results.filter((result) => result.action === "closed").length;
    return { name, ms, candles: YEAR_MINUTES, trades, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  if (name === "year1mEveryMinute") {
    const columns = benchColumns(seed, YEAR_MINUTES);
    const started = performance.now();
    const { calls } = await runEveryMinuteBacktest({ seed, minutes: YEAR_MINUTES, columns });
    const ms = performance.now() - started;
    if (calls !== YEAR_MINUTES) throw new Error(`year1mEveryMinute: getSignal ran ${calls} times`);
    return { name, ms, candles: YEAR_MINUTES, trades: 0, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  if (name === "walker10") {
    const columns = benchColumns(seed, WALKER_MINUTES);
    const started = performance.now();
    const result = await runSmaWalker({ seed, minutes: WALKER_MINUTES, strategyCount: 10, columns });
    const ms = performance.now() - started;
    const trades = result.results.reduce((sum, entry) => sum + (entry.stats?.tradeCount ?? 0), 0);
    return {
      name,
      ms,
      candles: WALKER_MINUTES * 10,
      trades,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  }
  throw new Error(`unknown scenario ${name}`);
}

function runChild(name: string): Promise<IScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--scenario", name], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: IScenarioResult | undefined;
    child.on("message", (message) => {
      result = message as IScenarioResult;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`bench scenario ${name} exited with code ${code}`));
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const scenarioIndex = args.indexOf("--scenario");
  if (scenarioIndex !== -1) {
    const result = await timeScenario(args[scenarioIndex + 1] ?? "");
    process.send?.(result);
    return;
  }
  const json = args.includes("--json");
  const scenarios: Array<[string, string]> = [
    ["year15m", "1 year of 1m candles, SMA crossover on 15m, TP/SL"],
    ["year1m", "1 year of 1m candles, SMA crossover on 1m (getSignal every idle minute)"],
    ["year1mEveryMinute", "1 year, getSignal on all 525,600 minutes (getCandles + SMA, never trades)"],
    ["walker10", "walker: 10 SMA strategies over 30 days"],
  ];
  const results: Record<string, IScenarioResult> = {};
  for (const [name, label] of scenarios) {
    // Warm the child's JIT the same way every time: one run per process, cold (what a user sees).
    const result = await runChild(name);
    results[name] = result;
    const perSecond = Math.round(result.candles / (result.ms / 1000));
    console.log(
      `${label}: ${result.ms.toFixed(0)} ms, ${perSecond.toLocaleString("en-US")} candles/s, ${result.trades} trades, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
    );
  }
  let csvCandlesPerSecond: number | undefined;
  try {
    const csv = await import("./csvReadBench");
    if (typeof csv.runCsvReadBench === "function") {
      csvCandlesPerSecond = (await csv.runCsvReadBench()).csvCandlesPerSecond;
      console.log(`CSV read (@bt/exchange-file): ${csvCandlesPerSecond.toLocaleString("en-US")} candles/s`);
    }
  } catch (error) {
    console.log(`CSV read bench skipped: ${(error as Error).message}`);
  }
  let sweep: { sweep1ThreadPerSec: number; sweep2ThreadsPerSec: number; sweepScaling: number } | undefined;
  try {
    const sweepBench = await import("./sweepBench");
    const figures = await sweepBench.runSweepBench();
    sweep = {
      sweep1ThreadPerSec: figures.sweep1ThreadPerSec,
      sweep2ThreadsPerSec: figures.sweep2ThreadsPerSec,
      sweepScaling: figures.sweepScaling,
    };
    console.log(
      `sweep (@bt/cluster, ${figures.backtests} backtests of ${sweepBench.SWEEP_DAYS} days): 1 thread ${figures.sweep1ThreadPerSec} backtests/s, 2 threads ${figures.sweep2ThreadsPerSec} backtests/s, scaling ${figures.sweepScaling}x`,
    );
  } catch (error) {
    console.log(`sweep bench skipped: ${(error as Error).message}`);
  }
  const year = results.year15m as IScenarioResult;
  const summary = {
    startMs: BENCH_START_MS,
    yearBacktestMs: Math.round(year.ms),
    year1mIntervalMs: Math.round((results.year1m as IScenarioResult).ms),
    year1mEveryMinuteMs: Math.round((results.year1mEveryMinute as IScenarioResult).ms),
    walker10Ms: Math.round((results.walker10 as IScenarioResult).ms),
    candlesPerSecond: Math.round(year.candles / (year.ms / 1000)),
    peakRssMb: Math.round(Math.max(...Object.values(results).map((result) => result.peakRssMb))),
    peakRssMbByScenario: Object.fromEntries(
      Object.values(results).map((result) => [result.name, Math.round(result.peakRssMb)]),
    ),
    tradesByScenario: Object.fromEntries(
      Object.values(results).map((result) => [result.name, result.trades]),
    ),
    ...(csvCandlesPerSecond === undefined ? {} : { csvCandlesPerSecond }),
    ...(sweep ?? {}),
  };
  if (json) console.log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
