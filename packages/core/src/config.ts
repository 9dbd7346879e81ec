// The engine configuration as a value: the defaults of DESIGN.md (price model, fees, validation
// limits), their validation and a pure merge. There is no mutable global: each engine holds its own
// config (createEngine({ config }), engine.setConfig) and every run snapshots it.

import { BtError, describeValue } from "./btError";

/** Engine-wide tunables. Percentages are in percent (0.1 = 0.1 %), durations in minutes. */
export interface IGlobalConfig {
  /** Minutes a scheduled signal waits for its priceOpen before it is cancelled (timeout). */
  CC_SCHEDULE_AWAIT_MINUTES: number;
  /** Number of 1m candles in the VWAP that defines the current price. */
  CC_AVG_PRICE_CANDLES_COUNT: number;
  /** Fee per side in percent, charged on open and on close. */
  CC_PERCENT_FEE: number;
  /** Slippage per side in percent, always against the trader. */
  CC_PERCENT_SLIPPAGE: number;
  /** Minimum distance of the take profit from the open price, in percent. */
  CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: number;
  /** Minimum distance of the stop loss from the open price, in percent. */
  CC_MIN_STOPLOSS_DISTANCE_PERCENT: number;
  /** Maximum distance of the stop loss from the open price, in percent. */
  CC_MAX_STOPLOSS_DISTANCE_PERCENT: number;
  /** Maximum minuteEstimatedTime of a signal, in minutes. */
  CC_MAX_SIGNAL_LIFETIME_MINUTES: number;
  /** Longest wait for an asynchronous getSignal, ms; past it the call counts as a failed getSignal (TIMEOUT). */
  CC_GET_SIGNAL_TIMEOUT_MS: number;
  /** Longest wait for one exchange call (candles, formatting) of a live run, ms. */
  CC_EXCHANGE_TIMEOUT_MS: number;
  /** Longest wait for one broker call of a live run, ms; past it the outcome is unknown (TIMEOUT, retryable). */
  CC_BROKER_TIMEOUT_MS: number;
  /** Longest wait for one persistence call of a live run, ms. */
  CC_PERSIST_TIMEOUT_MS: number;
}

/** The defaults of DESIGN.md ("Default execution semantics"). */
export const DEFAULT_CONFIG: Readonly<IGlobalConfig> = Object.freeze({
  CC_SCHEDULE_AWAIT_MINUTES: 120,
  CC_AVG_PRICE_CANDLES_COUNT: 5,
  CC_PERCENT_FEE: 0.1,
  CC_PERCENT_SLIPPAGE: 0.1,
  CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: 0.5,
  CC_MIN_STOPLOSS_DISTANCE_PERCENT: 0.5,
  CC_MAX_STOPLOSS_DISTANCE_PERCENT: 20,
  CC_MAX_SIGNAL_LIFETIME_MINUTES: 1440,
  CC_GET_SIGNAL_TIMEOUT_MS: 60_000,
  CC_EXCHANGE_TIMEOUT_MS: 30_000,
  CC_BROKER_TIMEOUT_MS: 30_000,
  CC_PERSIST_TIMEOUT_MS: 15_000,
});

type ConfigRule = "nonNegative" | "positiveInteger" | "percentBelow100";

const CONFIG_RULES: Readonly<Record<keyof IGlobalConfig, ConfigRule>> = {
  CC_SCHEDULE_AWAIT_MINUTES: "positiveInteger",
  CC_AVG_PRICE_CANDLES_COUNT: "positiveInteger",
  CC_PERCENT_FEE: "percentBelow100",
  CC_PERCENT_SLIPPAGE: "percentBelow100",
  CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: "nonNegative",
  CC_MIN_STOPLOSS_DISTANCE_PERCENT: "nonNegative",
  CC_MAX_STOPLOSS_DISTANCE_PERCENT: "percentBelow100",
  CC_MAX_SIGNAL_LIFETIME_MINUTES: "positiveInteger",
  CC_GET_SIGNAL_TIMEOUT_MS: "positiveInteger",
  CC_EXCHANGE_TIMEOUT_MS: "positiveInteger",
  CC_BROKER_TIMEOUT_MS: "positiveInteger",
  CC_PERSIST_TIMEOUT_MS: "positiveInteger",
};

function ruleProblem(rule: ConfigRule, value: number): string | null {
  switch (rule) {
    case "nonNegative":
      return value >= 0 ? null : "must be a finite number >= 0";
    case "positiveInteger":
      return Number.isInteger(value) && value > 0 ? null : "must be a positive integer";
    case "percentBelow100":
      return value >= 0 && value < 100 ? null : "must be a percentage in [0, 100)";
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/**
 * Checks a complete configuration and returns every problem found (empty when valid).
 * Used by `setConfig` and by runners that accept a per-run config.
 */
export function configProblems(config: IGlobalConfig): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(CONFIG_RULES) as Array<keyof IGlobalConfig>) {
    const value: unknown = config[key];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      problems.push(`${key} must be a finite number, got ${describeValue(value)}`);
      continue;
    }
    const problem = ruleProblem(CONFIG_RULES[key], value);
    if (problem) problems.push(`${key} ${problem}, got ${describeValue(value)}`);
  }
  if (config.CC_MIN_STOPLOSS_DISTANCE_PERCENT > config.CC_MAX_STOPLOSS_DISTANCE_PERCENT) {
    problems.push(
      `CC_MIN_STOPLOSS_DISTANCE_PERCENT (${config.CC_MIN_STOPLOSS_DISTANCE_PERCENT}) must not exceed CC_MAX_STOPLOSS_DISTANCE_PERCENT (${config.CC_MAX_STOPLOSS_DISTANCE_PERCENT})`,
    );
  }
  return problems;
}

/**
 * Returns `base` with `patch` applied, validated and frozen; pure (neither argument changes). Every
 * engine, run, worker-thread task and cluster job holds a config made by this function.
 * @throws BtError CONFIG naming the field and the value (unknown key, non-number, negative fee, ...).
 * @example const config = mergeConfig(DEFAULT_CONFIG, { CC_PERCENT_FEE: 0.075 });
 */
export function mergeConfig(
  base: Readonly<IGlobalConfig>,
  patch: Readonly<Partial<IGlobalConfig>> = {},
): Readonly<IGlobalConfig> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new BtError("CONFIG", `config patch must be an object, got ${describeValue(patch)}`, {
      value: patch,
    });
  }
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(CONFIG_RULES, key)) {
      throw new BtError("CONFIG", `Unknown config key ${describeValue(key)}`, { field: key, value: key });
    }
  }
  const merged: IGlobalConfig = { ...DEFAULT_CONFIG, ...base, ...patch };
  const problems = configProblems(merged);
  if (problems.length > 0) {
    const firstKey = problems[0]?.split(" ")[0];
    throw new BtError("CONFIG", `Invalid config: ${problems.join("; ")}`, {
      field: firstKey,
      value: firstKey ? (merged as unknown as Record<string, unknown>)[firstKey] : undefined,
    });
  }
  return Object.freeze(merged);
}

/** The config fields that change a run's numbers, in words, e.g. for a report header. */
export function describeExecutionModel(config: Readonly<IGlobalConfig>): string {
  return `fee ${config.CC_PERCENT_FEE}% per side, slippage ${config.CC_PERCENT_SLIPPAGE}% per side, price = VWAP of the last ${config.CC_AVG_PRICE_CANDLES_COUNT} closed 1m candles`;
}
