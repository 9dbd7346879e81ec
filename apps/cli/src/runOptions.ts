// Resolves the options shared by backtest, walker and live into checked values: exchange, symbol,
// interval, optional dates, folders and output settings. Every problem is bad input (exit 2).

import { resolve } from "node:path";
import { type CandleInterval, type IGlobalConfig, isCandleInterval } from "@bt/core";
import type { IEngine } from "@bt/engine";
import { bundledAssets } from "./bundledAssets";
import { badInput } from "./cliError";
import { type CliExchangeSpec, parseExchangeSpec } from "./cliExchange";
import type { ICliIo } from "./cliIo";
import { parseDate } from "./parseDate";
import { flagOption, type IParsedArgs, numberOption, stringOption } from "./parsedArgs";

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

/** The costs and account of a backtest or walker (each undefined when its flag is absent). */
export interface IAccountOptions {
  /** --fee: fee per side in percent (CC_PERCENT_FEE). */
  feePercent: number | undefined;
  /** --slippage: slippage per side in percent (CC_PERCENT_SLIPPAGE). */
  slippagePercent: number | undefined;
  /** --balance: the account balance in quote currency. */
  accountBalance: number | undefined;
  /** --warmup: minutes of candles loaded before the frame start. */
  warmupMinutes: number | undefined;
  /** --symbols: a portfolio run over these symbols from one account. */
  symbols: string[] | undefined;
  /** --max-positions: open positions at once across a portfolio's symbols. */
  maxOpenPositions: number | undefined;
  /** --html: write the self-contained HTML report to this path. */
  htmlFile: string | undefined;
}

/** Sets --fee and --slippage in the engine's config (the flags that were given). */
export function applyCosts(engine: IEngine, account: IAccountOptions): void {
  const patch: Partial<IGlobalConfig> = {};
  if (account.feePercent !== undefined) patch.CC_PERCENT_FEE = account.feePercent;
  if (account.slippagePercent !== undefined) patch.CC_PERCENT_SLIPPAGE = account.slippagePercent;
  if (Object.keys(patch).length > 0) engine.setConfig(patch);
}

/**
 * Reads and checks --fee, --slippage, --balance, --warmup, --symbols, --max-positions and --html.
 * @throws CliError (exit 2) naming the flag and the value.
 */
export function resolveAccountOptions(args: IParsedArgs, io: ICliIo): IAccountOptions {
  const symbolsText = stringOption(args, "symbols");
  let symbols: string[] | undefined;
  if (symbolsText !== undefined) {
    if (stringOption(args, "symbol") !== undefined) {
      throw badInput(
        "--symbol and --symbols were both given",
        "use --symbols A,B,C for a portfolio run, --symbol for one",
      );
    }
    symbols = symbolsText.split(",").map((symbol) => symbol.trim());
    const empty = symbols.indexOf("");
    const twice = symbols.find((symbol, index) => symbols?.indexOf(symbol) !== index);
    if (empty !== -1 || twice !== undefined) {
      throw badInput(
        `bad --symbols ${JSON.stringify(symbolsText)}: ${twice !== undefined ? `${twice} is listed twice` : `entry ${empty + 1} is empty`}`,
        "e.g. --symbols BTCUSDT,ETHUSDT,SOLUSDT",
      );
    }
  }
  const maxOpenPositions = numberOption(
    args,
    "maxPositions",
    "--max-positions",
    (value) => Number.isInteger(value) && value >= 1,
    "a positive integer",
  );
  if (maxOpenPositions !== undefined && symbols === undefined) {
    throw badInput("--max-positions needs --symbols", "a single-symbol run holds one position at a time");
  }
  const html = stringOption(args, "html");
  return {
    feePercent: numberOption(
      args,
      "fee",
      "--fee",
      (value) => value >= 0 && value < 100,
      "a percent ≥ 0 and < 100",
    ),
    slippagePercent: numberOption(
      args,
      "slippage",
      "--slippage",
      (value) => value >= 0 && value < 100,
      "a percent ≥ 0 and < 100",
    ),
    accountBalance: numberOption(args, "balance", "--balance", (value) => value > 0, "a positive amount"),
    warmupMinutes: numberOption(
      args,
      "warmup",
      "--warmup",
      (value) => Number.isInteger(value) && value >= 0,
      "a non-negative integer of minutes",
    ),
    symbols,
    maxOpenPositions,
    htmlFile: html === undefined ? undefined : resolve(io.cwd, html),
  };
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
