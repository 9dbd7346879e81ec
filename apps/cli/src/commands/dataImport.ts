// `bt data import <dir>`: fills the on-disk candle cache (<state>/candles) from a folder of candle
// files, so `--exchange binance` backtests over those days make no network request.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { importCandles } from "@bt/exchange-file";
import { badInput, CliError, EXIT_FAILURE } from "../cliError";
import { parseExchangeName } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { flagOption, type IParsedArgs, stringOption } from "../parsedArgs";

/** Runs `bt data <subcommand>` with its parsed arguments (positionals: subcommand, folder); returns the exit code. */
export async function runDataCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const [subcommand, source, ...rest] = args.positionals;
  if (subcommand !== "import") {
    throw badInput(`unknown data subcommand ${JSON.stringify(subcommand ?? "")}`, "bt data import <dir>");
  }
  if (source === undefined || rest.length > 0)
    throw badInput("expected one folder to import", "bt data import <dir>");
  const from = resolve(io.cwd, source);
  if (!existsSync(from)) throw badInput(`folder not found: ${from}`, "pass a folder of candle files");
  const exchange = parseExchangeName(stringOption(args, "exchange") ?? "binance");
  if (exchange === "file")
    throw badInput("--exchange file reads files directly and has no cache", "use --data <dir> instead");
  const stateDir = resolve(io.cwd, stringOption(args, "state") ?? io.env.BT_STATE_DIR ?? ".bt-data");
  const cacheDir = join(stateDir, "candles");
  const summary = await importCandles({ from, cacheDir, exchangeName: exchange });
  if (flagOption(args, "json")) io.stdout.write(`${JSON.stringify({ ...summary, cacheDir, exchange })}\n`);
  else {
    io.stdout.write(
      `imported ${summary.candles} candles (${summary.days} days, ${summary.symbols.join(", ") || "no symbols"}) from ${summary.files} files into ${join(cacheDir, exchange)}\n`,
    );
    for (const problem of summary.problems) io.stdout.write(`  problem: ${problem}\n`);
  }
  if (summary.files === 0) {
    throw new CliError(`no candle files imported from ${from}`, {
      hint: "files must be named <SYMBOL>[-<interval>]-….csv[.gz] (or .json)",
      exitCode: summary.problems.length > 0 ? EXIT_FAILURE : 2,
    });
  }
  return 0;
}
