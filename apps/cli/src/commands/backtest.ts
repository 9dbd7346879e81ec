// `bt backtest <strategy file>`: runs one strategy over a frame with a progress bar, prints the
// markdown report (run conditions, Problems, closed signals, statistics) and a summary (or JSON with
// --json), prints the run's problems on stderr, optionally dumps both and records the signal lifecycle
// in a persistence adapter's backtest namespace (--persist). Exit 1 when the strategy threw.

import { createBacktestRecorder, type IBacktestData, type IBacktestRecorder } from "@bt/engine";
import { badInput, EXIT_FAILURE, EXIT_OK } from "../cliError";
import { type CliExchangeName, createCliExchange } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { createCliPersist, type PersistKind, parsePersistKind } from "../cliPersist";
import { CLI_FRAME_NAME, cliEngine, registerExchangeAndFrame, registerStrategy } from "../engineSetup";
import { collectErrorStacks } from "../errorStacks";
import { resolveFrameRange } from "../frameRange";
import { parseCommandArgs, RUN_OPTION_SPECS, stringOption } from "../parseCommandArgs";
import { everySignalRejected, renderProblemLines, strategyThrew } from "../problemLines";
import { createProgressReporter } from "../progressBar";
import { resolveRunOptions } from "../runOptions";
import type { IBacktestRunRecord } from "../runRecord";
import { RUN_RECORD_VERSION } from "../runRecord";
import { loadStrategyFile } from "../strategyFile";

/** Help text of `bt backtest`. */
export const BACKTEST_HELP = `Usage: bt backtest <strategy file> [options]

Backtests the strategy a file default-exports (TypeScript or JavaScript, no build step) and prints
its markdown report and a summary table. Progress goes to stderr.

Options:
  -s, --symbol <symbol>    symbol to trade (default BTCUSDT)
  -e, --exchange <name>    file (default: candle files of --data) or binance, bybit, okx, kucoin, kraken
                           (ccxt; candles cached on disk under <state>/candles)
      --from <date>        frame start, YYYY-MM-DD or ISO 8601, UTC (file: default the start of the data)
      --to <date>          frame end, exclusive (file: default the end of the data)
      --interval <i>       frame tick interval (default 1m)
      --data <dir>         candle files for --exchange file (default: the bundled synthetic sample data)
      --state <dir>        bt's working folder (default ./.bt-data or $BT_STATE_DIR)
      --persist <adapter>  fs | redis | mongo: record the signal lifecycle in the store's backtest
                           namespace, never the keys bt live uses (fs: <state>/persist; redis:
                           $BT_REDIS_URL; mongo: $BT_MONGO_URL)
      --json               print a JSON record (stats, closed and cancelled signals, problems, status,
                           config) on stdout instead of markdown
      --dump <dir>         also write <dir>/backtest/<strategy>.md and .json
      --verbose            print stacks of errors (each strategy error's first occurrence too)
  -h, --help               show this help

Problems (strategy errors, validation and risk rejections, cancelled scheduled signals) are printed
on stderr and in the report's Problems section. Exit codes: 0 ok (also when every signal was
rejected), 1 the strategy threw while running or a runtime failure, 2 bad input.

Examples:
  bt backtest examples/strategies/smaCrossover.ts --symbol BTCUSDT
  bt backtest ./my.strategy.ts --symbol ETHUSDT --from 2025-01-10 --to 2025-01-20 --dump ./dump
  bt backtest ./my.strategy.ts --exchange binance --symbol BTCUSDT --from 2024-06-01 --to 2024-07-01
  bt backtest ./my.strategy.ts --json > run.json && bt report run.json
`;

const BACKTEST_SPECS = { ...RUN_OPTION_SPECS, persist: { type: "string" } } as const;

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

/** Runs `bt backtest`; returns the exit code. */
export async function runBacktestCommand(argv: string[], io: ICliIo): Promise<number> {
  const args = parseCommandArgs("backtest", argv, BACKTEST_SPECS);
  if (args.values.help === true) {
    io.stdout.write(BACKTEST_HELP);
    return 0;
  }
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt backtest <strategy file> [options]; see bt backtest --help",
    );
  }
  const options = resolveRunOptions("backtest", args, io);
  const persistOption = stringOption(args, "persist");
  const persistKind: PersistKind | undefined =
    persistOption === undefined ? undefined : parsePersistKind(persistOption);
  const verbose = args.values.verbose === true;
  const engine = cliEngine();
  engine.reset();
  const strategy = await loadStrategyFile(file, io.cwd);
  const exchange = await createCliExchange(options.exchange as CliExchangeName, options);
  const frame = await resolveFrameRange(options, exchange);
  if (frame.note !== null) io.stderr.write(`note: ${frame.note}\n`);
  registerExchangeAndFrame(engine, exchange.schema, { ...frame, interval: options.interval });
  registerStrategy(engine, strategy, file);

  const persist =
    persistKind === undefined
      ? undefined
      : await createCliPersist(persistKind, options.stateDir, io.env, (message) =>
          io.stderr.write(`warning: ${message}\n`),
        );
  const recorder: IBacktestRecorder | undefined =
    persist === undefined
      ? undefined
      : createBacktestRecorder(persist, {
          symbol: options.symbol,
          strategyName: strategy.strategyName,
          exchangeName: exchange.schema.exchangeName,
        });
  const progress = createProgressReporter(io);
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
    for await (const result of engine.Backtest.run(options.symbol, context)) {
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
