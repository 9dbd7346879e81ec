// `bt backtest <strategy file>`: runs one strategy over a frame with a progress bar, prints the
// markdown report (run conditions, Problems, closed signals, statistics) and a summary (or JSON with
// --json), prints the run's problems on stderr, optionally dumps both and records the signal lifecycle
// in a persistence adapter's backtest namespace (--persist). Exit 1 when the strategy threw.

import { createBacktestRecorder, type IBacktestData, type IBacktestRecorder } from "@bt/engine";
import { badInput, EXIT_FAILURE, EXIT_OK } from "../cliError";
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
import { resolveFrameRange } from "../frameRange";
import { type IParsedArgs, stringOption } from "../parsedArgs";
import { everySignalRejected, renderProblemLines, strategyThrew } from "../problemLines";
import { createProgressReporter } from "../progressBar";
import { resolveRunOptions } from "../runOptions";
import type { IBacktestRunRecord } from "../runRecord";
import { RUN_RECORD_VERSION } from "../runRecord";
import { loadStrategyFile } from "../strategyFile";

/** The run record of a backtest's data. */
function backtestRecord(data: IBacktestData, interval: string): IBacktestRunRecord {
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
    problems: data.problems,
    config: { ...data.config },
  };
}

/** Runs `bt backtest` with its parsed arguments; returns the exit code. */
export async function runBacktestCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt backtest <strategy file> [options]; see bt backtest --help",
    );
  }
  const options = resolveRunOptions("backtest", args, io);
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
  const exchange = await createCliExchange(options.exchange, { ...options, cwd: io.cwd, env: io.env });
  const frame = await resolveFrameRange(options, exchange);
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
  const recorder: IBacktestRecorder | undefined =
    persist === undefined
      ? undefined
      : createBacktestRecorder(persist, {
          symbol: options.symbol,
          strategyName: strategy.strategyName,
          exchangeName: exchange.schema.exchangeName,
        });
  const progress = await createProgressReporter(io, { plain: options.json });
  const label = `${strategy.strategyName} ${options.symbol}`;
  const stopProgress = engine.listenProgress((event) => {
    if (event.strategyName === strategy.strategyName)
      progress.update(label, event.processedFrames, event.totalFrames);
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
    for await (const result of engine.Backtest.run(options.symbol, context, {
      gapPolicy: options.gapPolicy,
    })) {
      await recorder?.record(result);
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

  let data: IBacktestData;
  try {
    data = engine.Backtest.getData(options.symbol, strategy.strategyName);
  } catch {
    // The run failed before it started (data, exchange, persistence): nothing to report but the error.
    throw runError;
  }
  const record = backtestRecord(data, options.interval);
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
  if (options.json) io.stdout.write(`${JSON.stringify(record)}\n`);
  else io.stdout.write(`${markdown}\n${renderRunSummary(record)}`);
  io.stderr.write(
    renderProblemLines(
      `${strategy.strategyName} on ${options.symbol}`,
      record.status,
      record.problems,
      errorStacks?.stacks,
    ),
  );
  if (!failed && everySignalRejected(record.stats.tradeCount ?? 0, record.problems)) {
    io.stderr.write("warning: 0 trades: every signal was rejected, see Problems\n");
  }
  if (failed) throw runError;
  if (strategyThrew(record.status, record.problems)) {
    io.stderr.write(
      `bt backtest: strategy ${strategy.strategyName} threw while running (see Problems) — hint: fix the strategy; --verbose prints the stack of each error's first occurrence\n`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}
