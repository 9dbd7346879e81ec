// `bt backtest <strategy file>`: runs one strategy over a frame with a progress bar, prints the
// markdown report and a summary (or JSON with --json), optionally dumps both and mirrors the signal
// lifecycle into a persistence adapter (--persist).

import { type IPersistAdapter, type PersistValue, persistKey } from "@bt/core";
import { badInput } from "../cliError";
import { type CliExchangeName, createCliExchange } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { createCliPersist, type PersistKind, parsePersistKind } from "../cliPersist";
import { dumpRun } from "../dumpRun";
import { CLI_FRAME_NAME, cliEngine, registerExchangeAndFrame, registerStrategy } from "../engineSetup";
import { resolveFrameRange } from "../frameRange";
import { parseCommandArgs, RUN_OPTION_SPECS, stringOption } from "../parseCommandArgs";
import { createProgressReporter } from "../progressBar";
import { backtestReportTitle } from "../renderRunReport";
import { resolveRunOptions } from "../runOptions";
import type { IBacktestRunRecord } from "../runRecord";
import { RUN_RECORD_VERSION } from "../runRecord";
import { renderRunSummary } from "../runSummary";
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
      --persist <adapter>  fs | redis | mongo: write the signal lifecycle to persistence as a live run
                           does (fs: <state>/persist; redis: $BT_REDIS_URL; mongo: $BT_MONGO_URL)
      --json               print a JSON record (stats and closed signals) on stdout instead of markdown
      --dump <dir>         also write <dir>/backtest/<strategy>.md and .json
      --verbose            print stacks of errors
  -h, --help               show this help

Examples:
  bt backtest examples/strategies/smaCrossover.ts --symbol BTCUSDT
  bt backtest ./my.strategy.ts --symbol ETHUSDT --from 2025-01-10 --to 2025-01-20 --dump ./dump
  bt backtest ./my.strategy.ts --exchange binance --symbol BTCUSDT --from 2024-06-01 --to 2024-07-01
  bt backtest ./my.strategy.ts --json > run.json && bt report run.json
`;

const BACKTEST_SPECS = { ...RUN_OPTION_SPECS, persist: { type: "string" } } as const;

// Writes the signal records a live run keeps: scheduled/opened written, closed/cancelled deleted.
async function mirrorResult(
  persist: IPersistAdapter,
  result: { action: string; symbol: string; strategyName: string; exchangeName: string; signal: object },
): Promise<void> {
  const key = persistKey(result.symbol, result.strategyName, result.exchangeName);
  const value = JSON.parse(JSON.stringify(result.signal)) as PersistValue;
  if (result.action === "scheduled") await persist.write("scheduled", key, value);
  else if (result.action === "opened") {
    await persist.batch([
      { op: "delete", entity: "scheduled", key },
      { op: "write", entity: "signal", key, value },
    ]);
  } else if (result.action === "closed") await persist.delete("signal", key);
  else if (result.action === "cancelled") await persist.delete("scheduled", key);
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
  const progress = createProgressReporter(io);
  const label = `${strategy.strategyName} ${options.symbol}`;
  const stopProgress = engine.listenProgress((event) => {
    if (event.strategyName === strategy.strategyName)
      progress.update(label, event.processedFrames, event.totalFrames);
  });
  try {
    const context = {
      strategyName: strategy.strategyName,
      exchangeName: exchange.schema.exchangeName,
      frameName: CLI_FRAME_NAME,
    };
    for await (const result of engine.Backtest.run(options.symbol, context)) {
      if (persist !== undefined && result.action !== "idle" && result.action !== "active") {
        await mirrorResult(persist, result);
      }
    }
  } finally {
    stopProgress();
    progress.finish();
    await persist?.dispose();
  }

  const data = engine.Backtest.getData(options.symbol, strategy.strategyName);
  const record: IBacktestRunRecord = {
    kind: "backtest",
    version: RUN_RECORD_VERSION,
    symbol: options.symbol,
    exchangeName: exchange.schema.exchangeName,
    interval: options.interval,
    periodStartMs: frame.startMs,
    periodEndMs: frame.endMs,
    strategyName: strategy.strategyName,
    stats: data.stats,
    closed: data.closed,
  };
  const markdown = engine.Backtest.getReport(options.symbol, strategy.strategyName, {
    title: backtestReportTitle(strategy.strategyName),
  });
  if (options.dumpDir !== undefined) {
    const paths = await dumpRun(options.dumpDir, record, markdown);
    io.stderr.write(`dump: ${paths.markdown}\n`);
  }
  if (options.json) io.stdout.write(`${JSON.stringify(record)}\n`);
  else io.stdout.write(`${markdown}\n${renderRunSummary(record)}`);
  return 0;
}
