// `bt live <strategy file> [--paper]`: live trading needs Live in @bt/engine; until the installed
// engine provides it, the command says so and exits with code 2 before touching anything.

import { badInput, CliError } from "../cliError";
import type { ICliIo } from "../cliIo";
import { cliEngine } from "../engineSetup";
import { parseCommandArgs, RUN_OPTION_SPECS } from "../parseCommandArgs";

/** Help text of `bt live`. */
export const LIVE_HELP = `Usage: bt live <strategy file> [options]

Runs the strategy on wall-clock time against a ccxt exchange, persisting its state (fs by default)
so a restarted process continues the same positions. --paper simulates fills without orders.

Options:
  -s, --symbol <symbol>    symbol (default BTCUSDT)
  -e, --exchange <name>    binance, bybit, okx, kucoin, kraken
      --persist <adapter>  fs (default) | redis | mongo
      --paper              paper trading: no orders are sent
      --state <dir>        bt's working folder (default ./.bt-data or $BT_STATE_DIR)
      --verbose            print stacks of errors
  -h, --help               show this help

Examples:
  bt live ./my.strategy.ts --exchange binance --symbol BTCUSDT --paper
`;

const LIVE_SPECS = { ...RUN_OPTION_SPECS, persist: { type: "string" }, paper: { type: "boolean" } } as const;

/** Runs `bt live`; returns the exit code. */
export async function runLiveCommand(argv: string[], io: ICliIo): Promise<number> {
  const args = parseCommandArgs("live", argv, LIVE_SPECS);
  if (args.values.help === true) {
    io.stdout.write(LIVE_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt live <strategy file> [--paper]; see bt live --help",
    );
  }
  const engine: object = cliEngine();
  if (!("Live" in engine)) {
    throw new CliError("live trading is not available yet: the installed @bt/engine has no Live runner", {
      hint: "use bt backtest for now; bt live arrives with Live in @bt/engine",
      exitCode: 2,
    });
  }
  throw new CliError("bt live is not wired to this @bt/engine version yet", {
    hint: "update @bt/cli to a version matching @bt/engine",
    exitCode: 2,
  });
}
