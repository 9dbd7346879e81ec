// Builds the exchange a run uses from --exchange: "file" reads candle files (the bundled sample data
// or --data), a ccxt venue ("binance", …) fetches through ccxt behind the on-disk candle cache.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type IExchangeSchema, MINUTE_MS } from "@bt/core";
import { getConfig } from "@bt/engine";
import { createFileExchange, type IFileExchange, withCandleCache } from "@bt/exchange-file";
import { badInput } from "./cliError";

/** Exchanges `--exchange` accepts: the local file exchange and ccxt venues. */
export const KNOWN_EXCHANGES = ["file", "binance", "bybit", "okx", "kucoin", "kraken"] as const;

/** One of KNOWN_EXCHANGES. */
export type CliExchangeName = (typeof KNOWN_EXCHANGES)[number];

/** The exchange of a run plus what the CLI can ask it before running. */
export interface ICliExchange {
  schema: IExchangeSchema;
  /** The widest frame the data supports for `symbol` ([startMs, endMs)), or null when unknown (remote venues). */
  frameBounds(symbol: string): Promise<{ startMs: number; endMs: number } | null>;
}

/**
 * Checks an --exchange value.
 * @throws CliError (exit 2) for an unknown exchange.
 */
export function parseExchangeName(value: string): CliExchangeName {
  const known = KNOWN_EXCHANGES.find((name) => name === value.toLowerCase());
  if (known === undefined) {
    throw badInput(`unknown exchange ${JSON.stringify(value)}`, `use one of: ${KNOWN_EXCHANGES.join(", ")}`);
  }
  return known;
}

/** Options of createCliExchange. */
export interface ICliExchangeOptions {
  /** Candle files for "file". */
  dataDir: string;
  /** bt's working folder; ccxt candles are cached under `<stateDir>/candles`. */
  stateDir: string;
}

function fileExchange(dataDir: string): ICliExchange {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw badInput(
      `data folder not found: ${dataDir}`,
      "pass --data <dir> with candle files such as BTCUSDT-1m-2025-01.csv.gz",
    );
  }
  const exchange: IFileExchange = createFileExchange({ dir: dataDir, exchangeName: "file" });
  return {
    schema: exchange,
    async frameBounds(symbol) {
      const symbols = await exchange.listSymbols();
      const normalized = symbol.toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (!symbols.includes(normalized)) {
        throw badInput(
          `symbol ${symbol} has no candle files in ${dataDir}`,
          `available: ${symbols.join(", ") || "none"} (files named <SYMBOL>-1m-….csv[.gz])`,
        );
      }
      const columns = await exchange.getColumns(normalized, "1m");
      const first = columns.timestamp[0];
      const last = columns.timestamp[columns.timestamp.length - 1];
      if (first === undefined || last === undefined) return null;
      // The engine prices minute t from the CC_AVG_PRICE_CANDLES_COUNT candles before it.
      return { startMs: first + getConfig().CC_AVG_PRICE_CANDLES_COUNT * MINUTE_MS, endMs: last + MINUTE_MS };
    },
  };
}

async function ccxtExchange(name: Exclude<CliExchangeName, "file">, stateDir: string): Promise<ICliExchange> {
  // ccxt is heavy: loaded only when a ccxt venue is asked for.
  const { createCcxtExchange } = await import("@bt/exchange-ccxt");
  const inner = createCcxtExchange({ exchangeId: name, exchangeName: name });
  return {
    schema: withCandleCache(inner, { dir: join(stateDir, "candles") }),
    frameBounds: async () => null,
  };
}

/**
 * Creates the exchange for a run.
 * @throws CliError (exit 2) when the file exchange's data folder does not exist.
 */
export async function createCliExchange(
  name: CliExchangeName,
  options: ICliExchangeOptions,
): Promise<ICliExchange> {
  return name === "file" ? fileExchange(options.dataDir) : ccxtExchange(name, options.stateDir);
}
