// The one validator of run options (backtest, walker and live): the symbol, warmupMinutes, batchSize,
// gapPolicy, accountBalance and the numeric live options. Every message names the caller, the option
// and the value received, and every bad value is a BtError VALIDATION before anything runs.

import { BtError, describeValue } from "@bt/core";
import type { MissingCandlePolicy } from "../candles/candleLoader";
import { unknownNameHint } from "../schema/schemaValidation";

/** Options of a backtest (all optional); the walker takes the same. */
export interface IBacktestOptions {
  /**
   * Minutes of 1m candles loaded before the frame start for getCandles look-backs. Default: what the
   * strategy declares (its `warmupCandles` × its interval; the walker takes the largest of its
   * strategies), 0 when it declares nothing. A strategy asking for more still works: the extra candles
   * are fetched from the exchange, with a warning.
   */
  warmupMinutes?: number;
  /** Candles per exchange getCandles call while preloading (default 10,000). */
  batchSize?: number;
  /** Missing 1m candles: "error" (default, BtError CANDLES) or "fill" (flat zero-volume candles, logged). */
  gapPolicy?: MissingCandlePolicy;
  /** Account balance in quote currency used by sizing profiles (default 10,000). */
  accountBalance?: number;
}

/** IBacktestOptions with every default applied; warmupMinutes is null when the strategies decide it. */
export type IResolvedBacktestOptions = Required<Omit<IBacktestOptions, "warmupMinutes">> & {
  warmupMinutes: number | null;
};
/** Default candles per exchange call while preloading. */
export const DEFAULT_BATCH_SIZE = 10_000;
/** Default account balance for sizing, in quote currency. */
export const DEFAULT_ACCOUNT_BALANCE = 10_000;

const GAP_POLICIES: ReadonlyArray<MissingCandlePolicy> = ["error", "fill"];

/** Who validates: "Backtest", "Walker" or "Live" (the message prefix "<kind> option …"). */
export type RunKind = "Backtest" | "Walker" | "Live";

function invalid(kind: RunKind, name: string, expected: string, value: unknown): BtError {
  return new BtError(
    "VALIDATION",
    `${kind} option ${name} must be ${expected}, got ${describeValue(value)}`,
    {
      field: name,
      value,
    },
  );
}

/**
 * Refuses an option name that is not in `allowed` (a typo would silently run with a default).
 * @throws BtError VALIDATION `"<kind> option riskNmae is not an option (did you mean riskName?)"`.
 */
export function checkOptionNames(kind: RunKind, options: object, allowed: ReadonlyArray<string>): void {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(name)) {
      throw new BtError(
        "VALIDATION",
        `${kind} option ${name} is not an option (${unknownNameHint(name, allowed)})`,
        { field: name, value },
      );
    }
  }
}

const BACKTEST_OPTIONS = ["warmupMinutes", "batchSize", "gapPolicy", "accountBalance"];

/**
 * `symbol` when it is a non-empty string.
 * @throws BtError VALIDATION `"<caller>: symbol must be a non-empty string, got …"`.
 */
export function checkSymbol(caller: string, symbol: unknown): string {
  if (typeof symbol !== "string" || symbol.length === 0) {
    throw new BtError(
      "VALIDATION",
      `${caller}: symbol must be a non-empty string, got ${describeValue(symbol)}`,
      {
        field: "symbol",
        value: symbol,
      },
    );
  }
  return symbol;
}

/**
 * An integer option ≥ `minimum` (0 or 1), or `fallback` when undefined.
 * @throws BtError VALIDATION naming the option and the value.
 */
export function integerOption(
  kind: RunKind,
  name: string,
  value: unknown,
  fallback: number,
  minimum: 0 | 1,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) {
    throw invalid(kind, name, minimum === 0 ? "a non-negative integer" : "a positive integer", value);
  }
  return value;
}

/**
 * A finite number option ≥ 0, or `fallback` when undefined.
 * @throws BtError VALIDATION naming the option and the value.
 */
export function nonNegativeNumberOption(
  kind: RunKind,
  name: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalid(kind, name, "a finite number ≥ 0", value);
  }
  return value;
}

/**
 * The account balance (quote currency, finite and > 0), default 10,000.
 * @throws BtError VALIDATION naming accountBalance and the value.
 */
export function accountBalanceOption(kind: RunKind, value: unknown): number {
  if (value === undefined) return DEFAULT_ACCOUNT_BALANCE;
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0)) {
    throw invalid(kind, "accountBalance", "a positive number", value);
  }
  return value;
}

/**
 * An epoch-ms option (finite number), or undefined when not given.
 * @throws BtError VALIDATION naming the option and the value.
 */
export function epochMsOption(kind: RunKind, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw invalid(kind, name, "an epoch ms number", value);
  return value;
}

/**
 * The backtest / walker options with defaults: warmupMinutes (integer ≥ 0; null: the strategies decide,
 * see storePlan's warmupMinutesOf), batchSize (integer ≥ 1, 10,000), gapPolicy ("error" | "fill", "error"), accountBalance (> 0, 10,000).
 * @throws BtError VALIDATION for a value of the wrong type or range (options that are not an object too).
 * @example const { warmupMinutes } = resolveBacktestOptions("Walker", { warmupMinutes: 60 });
 */
export function resolveBacktestOptions(
  kind: "Backtest" | "Walker",
  options: IBacktestOptions | undefined,
): IResolvedBacktestOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new BtError("VALIDATION", `${kind}.run: options must be an object, got ${describeValue(options)}`, {
      field: "options",
      value: options,
    });
  }
  const given = options ?? {};
  checkOptionNames(kind, given, BACKTEST_OPTIONS);
  const gapPolicy = given.gapPolicy ?? "error";
  if (!GAP_POLICIES.includes(gapPolicy)) {
    throw invalid(
      kind,
      "gapPolicy",
      `one of ${GAP_POLICIES.map((policy) => `"${policy}"`).join(", ")}`,
      gapPolicy,
    );
  }
  return {
    warmupMinutes:
      given.warmupMinutes === undefined
        ? null
        : integerOption(kind, "warmupMinutes", given.warmupMinutes, 0, 0),
    batchSize: integerOption(kind, "batchSize", given.batchSize, DEFAULT_BATCH_SIZE, 1),
    gapPolicy,
    accountBalance: accountBalanceOption(kind, given.accountBalance),
  };
}
