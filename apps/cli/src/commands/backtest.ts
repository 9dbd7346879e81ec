// `bt backtest <strategy file>`: runs one strategy over a frame (on one symbol, or with --symbols on
// several from one account) with a progress bar, prints the markdown report (run conditions, Problems,
// closed signals, statistics, money) and a summary (or JSON with --json), prints the run's problems on
// stderr, optionally dumps both, writes the HTML report (--html) and records the signal lifecycle in a
// persistence adapter's backtest namespace (--persist). Exit 1 when the strategy threw.

import {
  createBacktestRecorder,
  type IBacktestData,
  type IBacktestRecorder,
  type IEngine,
  type IPortfolioData,
} from "@bt/engine";
import type { IHtmlCandles } from "@bt/report-html";
import { chartCandles, recordAccount } from "../accountRecord";
import { badInput } from "../cliError";
import { createCliExchange } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { createCliPersist, type PersistSpec, parsePersistSpec } from "../cliPersist";
import { assertDumpableName } from "../dumpFileName";
import {
  CLI_FRAME_NAME,
  cliEngine,
  registerExchangeAndFrame,
  registerStrategy,
  warningsToStderr,
} from "../engineSetup";
import { collectErrorStacks } from "../errorStacks";
import { type IFrameRange, portfolioFrame, resolveFrameRange } from "../frameRange";
import { flagOption, type IParsedArgs, stringOption } from "../parsedArgs";
import { everySignalRejected, renderProblemLines, strategyThrew } from "../problemLines";
import { createProgressReporter } from "../progressBar";
import { applyCosts, resolveAccountOptions, resolveRunOptions } from "../runOptions";
import { type IRunOutcome, printRunOutcome, type RunFailure } from "../runOutcome";
import type { IBacktestRunRecord, IPortfolioRunRecord, IRunRecord } from "../runRecord";
import { RUN_RECORD_VERSION } from "../runRecord";
import { loadStrategyFile } from "../strategyFile";

/** The run record of a backtest's data. */
function backtestRecord(
  data: IBacktestData,
  interval: string,
  chart: IHtmlCandles | undefined,
): IBacktestRunRecord {
  return {
    kind: "backtest",
    version: RUN_RECORD_VERSION,
    symbol: data.symbol,
    exchangeName: data.exchangeName,
    interval,
    periodStartMs: data.periodStartMs,
    periodEndMs: data.periodEndMs,
    strategyName: data.strategyName,
    status: data.status,
    stats: data.stats,
    closed: data.closed,
    cancelled: data.cancelled,
    scheduleEvents: data.scheduleEvents,
    problems: data.problems,
    config: { ...data.config },
    account: recordAccount(data.account),
    settings: { ...data.settings },
    ...(chart === undefined ? {} : { chart }),
  };
}

/** The run record of a portfolio run. */
function portfolioRecord(
  data: IPortfolioData,
  runs: IBacktestRunRecord[],
  frame: IFrameRange,
  interval: string,
  config: IPortfolioRunRecord["config"],
): IPortfolioRunRecord {
  return {
    kind: "portfolio",
    version: RUN_RECORD_VERSION,
    symbol: data.symbols.join(", "),
    symbols: data.symbols,
    exchangeName: data.exchangeName,
    interval,
    periodStartMs: frame.startMs,
    periodEndMs: frame.endMs,
    strategyName: data.strategyName,
    status: runs.some((run) => run.status === "failed") || data.error !== null ? "failed" : "ok",
    account: recordAccount(data.account),
    runs,
    config,
  };
}

/** Each symbol's data of the run, or the run's error when it failed before any record existed. */
function dataOf(engine: IEngine, symbol: string, strategyName: string, runError: unknown): IBacktestData {
  try {
    return engine.Backtest.getData(symbol, strategyName);
  } catch {
    // The run failed before it started (data, exchange, persistence): nothing to report but the error.
    throw runError;
  }
}

/** Runs `bt backtest` with its parsed arguments; returns the exit code. */
export async function runBacktestCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const outcome = await runBacktest(args, io);
  return printRunOutcome(outcome, flagOption(args, "json"), io);
}

/**
 * Runs the backtest `bt backtest` describes (progress, notes and warnings on stderr, --dump / --html /
 * --persist written) and returns its record, report and problems without printing them.
 * @throws CliError (exit 2) for bad input, or the run's error when it failed before any record existed.
 */
export async function runBacktest(args: IParsedArgs, io: ICliIo): Promise<IRunOutcome<IRunRecord>> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt backtest <strategy file> [options]; see bt backtest --help",
    );
  }
  const options = resolveRunOptions("backtest", args, io);
  const account = resolveAccountOptions(args, io);
  const persistOption = stringOption(args, "persist");
  const persistSpec: PersistSpec | undefined =
    persistOption === undefined ? undefined : parsePersistSpec(persistOption);
  const verbose = args.values.verbose === true;
  const engine = cliEngine();
  engine.setLogger(warningsToStderr(io));
  engine.reset();
  const strategy = await loadStrategyFile(file, io.cwd);
  // The name becomes a file name: checked now, not after the whole backtest.
  if (options.dumpDir !== undefined) assertDumpableName(`strategyName of ${file}`, strategy.strategyName);
  // The flags win over a setConfig in the strategy file (which ran as it loaded).
  applyCosts(engine, account);
  const exchange = await createCliExchange(options.exchange, { ...options, cwd: io.cwd, env: io.env });
  const symbols = account.symbols ?? [options.symbol];
  const frame =
    account.symbols === undefined
      ? await resolveFrameRange(options, exchange)
      : await portfolioFrame(options, exchange, symbols);
  if (frame.note !== null) io.stderr.write(`note: ${frame.note}\n`);
  registerExchangeAndFrame(engine, exchange.schema, { ...frame, interval: options.interval });
  registerStrategy(engine, strategy, file);

  const persist =
    persistSpec === undefined
      ? undefined
      : await createCliPersist(
          persistSpec,
          options.stateDir,
          io.env,
          (message) => io.stderr.write(`warning: ${message}\n`),
          io.cwd,
        );
  const recorders = new Map<string, IBacktestRecorder>();
  const recorderOf = (symbol: string): IBacktestRecorder | undefined => {
    if (persist === undefined) return undefined;
    let recorder = recorders.get(symbol);
    if (recorder === undefined) {
      recorder = createBacktestRecorder(persist, {
        symbol,
        strategyName: strategy.strategyName,
        exchangeName: exchange.schema.exchangeName,
      });
      recorders.set(symbol, recorder);
    }
    return recorder;
  };
  const progress = await createProgressReporter(io, { plain: options.json });
  const stopProgress = engine.listenProgress((event) => {
    if (event.strategyName === strategy.strategyName)
      progress.update(`${strategy.strategyName} ${event.symbol}`, event.processedFrames, event.totalFrames);
  });
  const errorStacks = verbose ? collectErrorStacks(engine) : undefined;
  let runError: unknown;
  let failed = false;
  try {
    const context = {
      strategyName: strategy.strategyName,
      exchangeName: exchange.schema.exchangeName,
      frameName: CLI_FRAME_NAME,
    };
    const runOptions = {
      gapPolicy: options.gapPolicy,
      accountBalance: account.accountBalance,
      warmupMinutes: account.warmupMinutes,
    };
    const results =
      account.symbols === undefined
        ? engine.Backtest.run(options.symbol, context, runOptions)
        : engine.Backtest.runPortfolio(symbols, context, {
            ...runOptions,
            maxOpenPositions: account.maxOpenPositions,
          });
    for await (const result of results) {
      await recorderOf(result.symbol)?.record(result);
    }
  } catch (error) {
    runError = error;
    failed = true;
  } finally {
    stopProgress();
    progress.finish();
    await engine.waitForListeners();
    errorStacks?.stop();
    await persist?.dispose();
  }

  // Chart candles only for the files that show charts (--html, --dump): --json stays small.
  const wantsChart = account.htmlFile !== undefined || options.dumpDir !== undefined;
  const runs: IBacktestRunRecord[] = [];
  for (const symbol of symbols) {
    const data = dataOf(engine, symbol, strategy.strategyName, runError);
    const chart = wantsChart
      ? await chartCandles(exchange.schema, symbol, frame.startMs, frame.endMs)
      : undefined;
    if (typeof chart === "string") io.stderr.write(`warning: no chart of ${symbol}: ${chart}\n`);
    runs.push(backtestRecord(data, options.interval, typeof chart === "string" ? undefined : chart));
  }
  const record: IRunRecord =
    account.symbols === undefined
      ? (runs[0] as IBacktestRunRecord)
      : portfolioRecord(
          engine.Backtest.getPortfolioData(strategy.strategyName),
          runs,
          frame,
          options.interval,
          { ...engine.getConfig() },
        );
  // The renderers (@bt/report-markdown) are loaded once the run is over, not before its first candle.
  const [{ renderRunReport }, { renderRunSummary }, { dumpRun }] = await Promise.all([
    import("../renderRunReport"),
    import("../runSummary"),
    import("../dumpRun"),
  ]);
  const markdown = renderRunReport(record);
  if (!failed && options.dumpDir !== undefined) {
    const paths = await dumpRun(options.dumpDir, record, markdown);
    io.stderr.write(`dump: ${paths.markdown}\n`);
  }
  if (account.htmlFile !== undefined && !failed) {
    const { writeHtmlReport } = await import("../htmlReport");
    await writeHtmlReport(account.htmlFile, record);
    io.stderr.write(`html: ${account.htmlFile}\n`);
  }
  let problemText = "";
  let threw = false;
  for (const run of runs) {
    problemText += renderProblemLines(
      `${strategy.strategyName} on ${run.symbol}`,
      run.status,
      run.problems,
      errorStacks?.stacks,
    );
    if (!failed && everySignalRejected(run.stats.tradeCount ?? 0, run.problems)) {
      const where = runs.length > 1 ? ` on ${run.symbol}` : "";
      problemText += `warning: 0 trades${where}: every signal was rejected, see Problems\n`;
    }
    threw ||= strategyThrew(run.status, run.problems);
  }
  const failure: RunFailure | null = failed
    ? { kind: "error", error: runError }
    : threw
      ? {
          kind: "threw",
          message: `bt backtest: strategy ${strategy.strategyName} threw while running (see Problems) — hint: fix the strategy; --verbose prints the stack of each error's first occurrence`,
        }
      : null;
  return { record, report: markdown, text: `${markdown}\n${renderRunSummary(record)}`, problemText, failure };
}
