// Resolves the options shared by backtest, walker and live into checked values: exchange, symbol,
// interval, optional dates, folders and output settings. Every problem is bad input (exit 2).

import { resolve } from "node:path";
import { type CandleInterval, isCandleInterval } from "@bt/core";
import { bundledAssets } from "./bundledAssets";
import { badInput } from "./cliError";
import { type CliExchangeSpec, parseExchangeSpec } from "./cliExchange";
import type { ICliIo } from "./cliIo";
import { parseDate } from "./parseDate";
import { flagOption, type IParsedArgs, stringOption } from "./parsedArgs";

/** Checked options of a run command. */
export interface IRunOptions {
  symbol: string;
  exchange: CliExchangeSpec;
  /** What a backtest does with missing 1m candles inside the data (--gaps; default "error"). */
  gapPolicy: "error" | "fill";
  /** Frame tick interval (default 1m). */
  interval: CandleInterval;
  /** Frame start (epoch ms, inclusive), or undefined for the start of the data. */
  fromMs: number | undefined;
  /** Frame end (epoch ms, exclusive), or undefined for the end of the data. */
  toMs: number | undefined;
  /** Candle files of the file exchange (default: the bundled sample data). */
  dataDir: string;
  /** bt's working folder: persistence (fs) and the candle cache (default ./.bt-data or BT_STATE_DIR). */
  stateDir: string;
  json: boolean;
  /** Folder for the markdown + JSON dump, or undefined. */
  dumpDir: string | undefined;
  /** --offline: a ccxt venue reads its candle cache only, never the network. */
  offline: boolean;
}

/**
 * Reads and checks the shared run options.
 * @throws CliError (exit 2) on a bad exchange, interval or date, or --from not before --to.
 */
export function resolveRunOptions(command: string, args: IParsedArgs, io: ICliIo): IRunOptions {
  const exchange = parseExchangeSpec(stringOption(args, "exchange") ?? "file");
  const gaps = stringOption(args, "gaps") ?? "error";
  if (gaps !== "error" && gaps !== "fill") {
    throw badInput(`bad --gaps ${JSON.stringify(gaps)}`, "use --gaps error (default) or --gaps fill");
  }
  const symbol = (stringOption(args, "symbol") ?? "BTCUSDT").trim();
  if (symbol === "") throw badInput("--symbol is empty", `e.g. bt ${command} … --symbol BTCUSDT`);
  const interval = stringOption(args, "interval") ?? "1m";
  if (!isCandleInterval(interval)) {
    throw badInput(
      `bad --interval ${JSON.stringify(interval)}`,
      "use 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 1d …",
    );
  }
  const fromText = stringOption(args, "from");
  const toText = stringOption(args, "to");
  const fromMs = fromText === undefined ? undefined : parseDate("--from", fromText);
  const toMs = toText === undefined ? undefined : parseDate("--to", toText);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw badInput(
      `--from ${fromText} is not before --to ${toText}`,
      "the frame is [from, to): from must be earlier",
    );
  }
  const dataOption = stringOption(args, "data");
  const dumpOption = stringOption(args, "dump");
  return {
    symbol,
    exchange,
    gapPolicy: gaps,
    interval,
    fromMs,
    toMs,
    dataDir: dataOption === undefined ? bundledAssets().dataDir : resolve(io.cwd, dataOption),
    stateDir: resolve(io.cwd, stringOption(args, "state") ?? io.env.BT_STATE_DIR ?? ".bt-data"),
    json: flagOption(args, "json"),
    dumpDir: dumpOption === undefined ? undefined : resolve(io.cwd, dumpOption),
    offline: flagOption(args, "offline"),
  };
}
