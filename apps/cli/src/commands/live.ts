// `bt live <strategy file>`: runs the strategy on wall-clock time against a ccxt venue with its state in
// the --persist adapter (fs by default), so a restarted process continues the same positions. --paper
// simulates fills; real orders go through ccxt with BT_API_KEY / BT_API_SECRET. Ctrl-C stops gracefully.

import type { IBroker } from "@bt/core";
import { badInput, EXIT_FAILURE } from "../cliError";
import { createCliExchange } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { createCliPersist, parsePersistKind } from "../cliPersist";
import { cliEngine, registerStrategy } from "../engineSetup";
import { flagOption, parseCommandArgs, RUN_OPTION_SPECS, stringOption } from "../parseCommandArgs";
import { parseDate } from "../parseDate";
import { resolveRunOptions } from "../runOptions";
import { loadStrategyFile } from "../strategyFile";

/** Help text of `bt live`. */
export const LIVE_HELP = `Usage: bt live <strategy file> [options]

Runs the strategy on wall-clock time against a ccxt exchange, one tick per minute, persisting its
state (fs by default) so a restarted process continues the same positions. Each result is printed
as it happens; Ctrl-C stops after the current tick and prints the live report.

Options:
  -s, --symbol <symbol>    symbol (default BTCUSDT)
  -e, --exchange <name>    binance (default), bybit, okx, kucoin, kraken
      --persist <adapter>  fs (default, <state>/persist) | redis ($BT_REDIS_URL) | mongo ($BT_MONGO_URL)
      --paper              paper trading: fills are simulated, no order is sent
      --until <date>       stop before the first tick at or after this time (default: run until Ctrl-C)
      --state <dir>        bt's working folder (default ./.bt-data or $BT_STATE_DIR)
      --json               print each result as one JSON line instead of text
      --dump <dir>         write <dir>/live/<strategy>.md when the run ends
      --verbose            print stacks of errors
  -h, --help               show this help

Real orders (without --paper) use the API key in BT_API_KEY and BT_API_SECRET.

Examples:
  bt live ./my.strategy.ts --exchange binance --symbol BTCUSDT --paper
  bt live ./my.strategy.ts --paper --persist redis --until 2025-06-01T18:00Z
`;

const LIVE_SPECS = {
  ...RUN_OPTION_SPECS,
  persist: { type: "string" },
  paper: { type: "boolean" },
  until: { type: "string" },
} as const;

/** Runs `bt live`; returns the exit code. */
export async function runLiveCommand(argv: string[], io: ICliIo): Promise<number> {
  const args = parseCommandArgs("live", argv, LIVE_SPECS);
  if (args.values.help === true) {
    io.stdout.write(LIVE_HELP);
    return 0;
  }
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt live <strategy file> [--paper]; see bt live --help",
    );
  }
  if (stringOption(args, "exchange") === undefined) args.values.exchange = "binance";
  // Live has no frame: --from/--to are backtest options; the rest is shared.
  if (stringOption(args, "from") !== undefined || stringOption(args, "to") !== undefined) {
    throw badInput("--from/--to do not apply to live", "use --until <date> to end a live run");
  }
  const options = resolveRunOptions("live", args, io);
  if (options.exchange === "file") {
    throw badInput(
      "live trading needs a ccxt exchange, not file",
      "use --exchange binance (with --paper to simulate)",
    );
  }
  const paper = flagOption(args, "paper");
  const apiKey = io.env.BT_API_KEY;
  const secret = io.env.BT_API_SECRET;
  if (!paper && (!apiKey || !secret)) {
    throw badInput(
      "live orders need BT_API_KEY and BT_API_SECRET",
      "set both, or pass --paper to simulate fills",
    );
  }
  const untilText = stringOption(args, "until");
  const stopAt = untilText === undefined ? undefined : parseDate("--until", untilText);
  const persistKind = parsePersistKind(stringOption(args, "persist") ?? "fs");

  const engine = cliEngine();
  engine.reset();
  const strategy = await loadStrategyFile(file, io.cwd);
  const exchange = await createCliExchange(options.exchange, options);
  engine.addExchange(exchange.schema);
  registerStrategy(engine, strategy, file);
  let broker: IBroker | undefined;
  if (!paper) {
    const { createCcxtBroker } = await import("@bt/exchange-ccxt");
    broker = createCcxtBroker({ exchangeId: options.exchange, options: { apiKey, secret } });
  }
  const persist = await createCliPersist(persistKind, options.stateDir, io.env, (message) =>
    io.stderr.write(`warning: ${message}\n`),
  );
  io.stderr.write(
    `live: ${strategy.strategyName} on ${options.symbol} at ${options.exchange}${paper ? " (paper)" : ""}, state in ${persistKind}; Ctrl-C stops\n`,
  );
  let errorCount = 0;
  const stopErrors = engine.listenError((error) => {
    errorCount++;
    io.stderr.write(`error: ${error.message}\n`);
  });
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const context = { strategyName: strategy.strategyName, exchangeName: exchange.schema.exchangeName };
    for await (const result of engine.Live.run(options.symbol, context, {
      persist,
      broker,
      stopAt,
      handleProcessSignals: true,
    })) {
      if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const pnl =
          result.action === "closed"
            ? ` ${result.closeReason} pnl ${result.pnl.pnlPercentage.toFixed(2)}%`
            : "";
        io.stdout.write(
          `${new Date(result.timestamp).toISOString()} ${result.action} ${result.symbol} @ ${result.currentPrice}${pnl}\n`,
        );
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    stopErrors();
    await persist.dispose();
  }
  if (!options.json) io.stdout.write(`\n${engine.Live.getReport(options.symbol, strategy.strategyName)}`);
  if (options.dumpDir !== undefined) {
    const path = await engine.Live.dump(options.symbol, strategy.strategyName, { dir: options.dumpDir });
    io.stderr.write(`dump: ${path}\n`);
  }
  // A run that ended by itself (not by Ctrl-C or --until) after errors failed.
  const reachedEnd = stopAt !== undefined && Date.now() >= stopAt;
  return errorCount > 0 && !reachedEnd && !interrupted ? EXIT_FAILURE : 0;
}
