// Builds the exchange a run uses from --exchange: "file" reads candle files (the bundled sample data
// or --data), a ccxt venue ("binance", …) fetches through ccxt behind the on-disk candle cache, and a
// module file (./myExchange.ts) exports an IExchangeSchema or a factory of one, checked member by member.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type IExchangeSchema, intervalToMs } from "@bt/core";
import { firstPricedMs, getConfig } from "@bt/engine";
import { createFileExchange, type IFileExchange, withCandleCache } from "@bt/exchange-file";
import { badInput } from "./cliError";
import { isModulePath, loadPluginExport, missingMembers } from "./pluginModule";

/** Exchanges `--exchange` accepts: the local file exchange and ccxt venues. */
export const KNOWN_EXCHANGES = ["file", "binance", "bybit", "okx", "kucoin", "kraken"] as const;

/** One of KNOWN_EXCHANGES. */
export type CliExchangeName = (typeof KNOWN_EXCHANGES)[number];

/** A checked --exchange value: a known exchange or a module file ("./myExchange.ts"). */
export type CliExchangeSpec = CliExchangeName | { module: string };

/** How messages name an exchange spec: the name, or the module file. */
export function exchangeLabel(spec: CliExchangeSpec): string {
  return typeof spec === "object" ? spec.module : spec;
}

/** What the CLI passes to an --exchange module's factory. */
export interface ICliExchangeFactoryOptions {
  /** The --data folder (absolute; default the bundled sample data). */
  dataDir: string;
  /** bt's working folder (absolute). */
  stateDir: string;
  /** The environment of the bt process. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The contract of an --exchange module: its default export (or `createExchange`) is a schema or this. */
export type CliExchangeFactory = (
  options: ICliExchangeFactoryOptions,
) => IExchangeSchema | Promise<IExchangeSchema>;

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
  return parseExchangeSpec(value, false) as CliExchangeName;
}

/**
 * Checks an --exchange value; with `allowModule`, a path names a module file.
 * @throws CliError (exit 2) for an unknown exchange.
 */
export function parseExchangeSpec(value: string, allowModule = true): CliExchangeSpec {
  if (allowModule && isModulePath(value)) return { module: value };
  const known = KNOWN_EXCHANGES.find((name) => name === value.toLowerCase());
  if (known === undefined) {
    throw badInput(
      `unknown exchange ${JSON.stringify(value)}`,
      `use one of: ${KNOWN_EXCHANGES.join(", ")}${allowModule ? ", or a module file such as ./myExchange.ts" : ""}`,
    );
  }
  return known;
}

/** Options of createCliExchange. */
export interface ICliExchangeOptions {
  /** Candle files for "file". */
  dataDir: string;
  /** bt's working folder; ccxt candles are cached under `<stateDir>/candles`. */
  stateDir: string;
  /** Resolves a module file (default the process's working directory). */
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** A ccxt venue reads its candle cache only (--offline). */
  offline?: boolean;
}

/**
 * ccxt constructor options from $BT_CCXT_OPTIONS (a JSON object: API URLs of a sandbox, keys …), or {}.
 * @throws CliError (exit 2) naming the variable when it is not a JSON object.
 */
export function ccxtOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const text = env.BT_CCXT_OPTIONS;
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badInput(
      `BT_CCXT_OPTIONS is not JSON: ${(error as Error).message}`,
      "e.g. BT_CCXT_OPTIONS='{\"timeout\":5000}'",
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badInput(
      `BT_CCXT_OPTIONS must be a JSON object, got ${text.slice(0, 40)}`,
      "ccxt constructor options",
    );
  }
  return parsed as Record<string, unknown>;
}

const OPTIONAL_METHODS = ["getCandleColumns", "formatPrice", "formatQuantity"] as const;

/**
 * Checks what an --exchange module exported (or its factory returned).
 * @throws CliError (exit 2) naming the file and the missing or mistyped member.
 */
export function assertExchangeSchema(file: string, source: string, value: unknown): IExchangeSchema {
  const missing = missingMembers(value, { exchangeName: "string", getCandles: "function" });
  const record = value as Record<string, unknown> | null;
  if (missing.length === 0 && String(record?.exchangeName ?? "").trim() === "")
    missing.push("exchangeName (a non-empty string)");
  for (const name of OPTIONAL_METHODS) {
    if (missing.length === 0 && record?.[name] !== undefined && typeof record[name] !== "function") {
      missing.push(`${name} (a method, when given)`);
    }
  }
  if (missing.length > 0) {
    throw badInput(
      `--exchange ${file}: ${source} is not an exchange: it lacks ${missing.join(", ")}`,
      "export an IExchangeSchema of @bt/core ({ exchangeName, getCandles, … }) or a factory returning one",
    );
  }
  return value as IExchangeSchema;
}

async function moduleExchange(file: string, options: ICliExchangeOptions): Promise<ICliExchange> {
  const cwd = options.cwd ?? process.cwd();
  const { value, exportName } = await loadPluginExport("--exchange", file, cwd, [
    "default",
    "createExchange",
  ]);
  const source = exportName === "default" ? "the default export" : exportName;
  let schema: unknown = value;
  if (typeof value === "function") {
    try {
      schema = await (value as CliExchangeFactory)({
        dataDir: options.dataDir,
        stateDir: options.stateDir,
        env: options.env ?? process.env,
      });
    } catch (error) {
      throw badInput(
        `--exchange ${file}: ${source} threw: ${error instanceof Error ? error.message : String(error)}`,
        "fix the exchange factory",
        error,
      );
    }
  }
  return {
    schema: assertExchangeSchema(
      file,
      typeof value === "function" ? `what ${source} returned` : source,
      schema,
    ),
    frameBounds: async () => null,
  };
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
      // The finest files decide: 1m, or a coarser interval the engine then runs on.
      const interval = await exchange.getBaseInterval(normalized);
      const stepMs = intervalToMs(interval);
      const columns = await exchange.getColumns(normalized, interval);
      const first = columns.timestamp[0];
      const last = columns.timestamp[columns.timestamp.length - 1];
      if (first === undefined || last === undefined) return null;
      // The engine's rule: the first price comes after the candles it is made of.
      return { startMs: firstPricedMs(first, interval, getConfig()), endMs: last + stepMs };
    },
  };
}

/**
 * The ccxt exchange of a venue, with the ccxt options of $BT_CCXT_OPTIONS. ccxt is heavy: it is loaded
 * only when a venue is asked for.
 */
export async function ccxtVenue(
  name: Exclude<CliExchangeName, "file">,
  env: Readonly<Record<string, string | undefined>>,
): Promise<IExchangeSchema> {
  const ccxtOptions = ccxtOptionsFromEnv(env);
  return (await import("@bt/exchange-ccxt")).createCcxtExchange({
    exchangeId: name,
    exchangeName: name,
    ...(Object.keys(ccxtOptions).length === 0 ? {} : { options: ccxtOptions }),
  });
}

/**
 * A venue behind its candle cache (`<stateDir>/candles/<name>`). Offline, ccxt is not loaded at all and
 * a day that is not cached fails at once, naming it.
 */
export async function cachedVenue(
  name: Exclude<CliExchangeName, "file">,
  stateDir: string,
  offline: boolean,
  env: Readonly<Record<string, string | undefined>>,
): Promise<IExchangeSchema> {
  const inner: IExchangeSchema = offline
    ? { exchangeName: name, getCandles: () => Promise.reject(new Error("offline")) }
    : await ccxtVenue(name, env);
  return withCandleCache(inner, { dir: join(stateDir, "candles"), offline });
}

async function ccxtExchange(
  name: Exclude<CliExchangeName, "file">,
  options: ICliExchangeOptions,
): Promise<ICliExchange> {
  return {
    schema: await cachedVenue(name, options.stateDir, options.offline === true, options.env ?? {}),
    frameBounds: async () => null,
  };
}

/**
 * Creates the exchange for a run.
 * @throws CliError (exit 2) when the file exchange's data folder does not exist.
 */
export async function createCliExchange(
  spec: CliExchangeSpec,
  options: ICliExchangeOptions,
): Promise<ICliExchange> {
  if (typeof spec === "object") return moduleExchange(spec.module, options);
  return spec === "file" ? fileExchange(options.dataDir) : ccxtExchange(spec, options);
}
