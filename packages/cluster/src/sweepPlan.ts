// Validation and normalisation of sweep options shared by every runner: the parameter sets and their
// unique names, the symbol list, the frame (finite epoch ms, end after start) and the defaults.

import {
  BtError,
  describeValue,
  type IGlobalConfig,
  isWalkerMetric,
  mergeConfig,
  WALKER_METRICS,
  type WalkerMetric,
} from "@bt/core";
import { getConfig } from "@bt/engine";
import { combinationName } from "./combinationName";
import { toParamSets } from "./expandGrid";
import type {
  ISweepEntry,
  ISweepFrame,
  ISweepOptionsBase,
  SweepBacktestOptions,
  SweepParams,
} from "./sweepTypes";

/** The backtests of one symbol a runner still has to run. */
export interface ISweepPendingSymbol {
  symbol: string;
  /** Parameter-set indices not covered by `resume`, ascending (never empty). */
  indices: number[];
}

/** A validated sweep: what every runner needs, with defaults applied. */
export interface ISweepPlan<P extends object = SweepParams> {
  paramSets: P[];
  /** Strategy name of each parameter set, same order. */
  names: string[];
  symbols: string[];
  frame: Required<ISweepFrame>;
  metric: WalkerMetric;
  backtest: SweepBacktestOptions;
  /** The resolved config every backtest of the sweep runs with. */
  config: Readonly<IGlobalConfig>;
  exchangeName: string;
  keepClosed: boolean;
  /** Entries taken from `resume`, per symbol, by parameter-set index. */
  resumed: ReadonlyMap<string, ReadonlyMap<number, ISweepEntry>>;
  /** Number of resumed entries (the sweep's progress starts there). */
  resumedCount: number;
  /** What is left to run, symbols in sweep order (symbols fully resumed are absent). */
  pending: ISweepPendingSymbol[];
  /** Backtests of the whole sweep: parameter sets × symbols. */
  total: number;
}

/** Checks a frame and fills its default interval ("1m"). @throws BtError VALIDATION for a bad frame. */
export function normalizeFrame(frame: ISweepFrame): Required<ISweepFrame> {
  if (typeof frame?.frameName !== "string" || frame.frameName.length === 0) {
    throw new BtError(
      "VALIDATION",
      `sweep: frame.frameName must be a non-empty string, got ${describeValue(frame?.frameName)}`,
      {
        field: "frame.frameName",
        value: frame?.frameName,
      },
    );
  }
  if (!Number.isFinite(frame.startMs) || !Number.isFinite(frame.endMs) || frame.endMs <= frame.startMs) {
    throw new BtError(
      "VALIDATION",
      `sweep: frame ${describeValue(frame.frameName)} needs finite epoch ms with endMs > startMs, got ${describeValue(frame.startMs)} … ${describeValue(frame.endMs)}`,
      { field: "frame", value: frame },
    );
  }
  return {
    frameName: frame.frameName,
    interval: frame.interval ?? "1m",
    startMs: frame.startMs,
    endMs: frame.endMs,
  };
}

/**
 * Validates the options shared by every runner and applies their defaults.
 * @throws BtError VALIDATION for bad parameters, symbols, frame or metric, or two sets with the same name.
 */
export function planSweep<P extends object>(options: ISweepOptionsBase<P>): ISweepPlan<P> {
  const paramSets = toParamSets<P>(options.params);
  const names = paramSets.map((params) => combinationName(options.strategy?.name, params as SweepParams));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new BtError("VALIDATION", `sweep: two parameter sets have the same name ${describeValue(name)}`, {
        field: "params",
        value: name,
      });
    }
    seen.add(name);
  }
  const symbols = typeof options.symbols === "string" ? [options.symbols] : [...(options.symbols ?? [])];
  if (symbols.length === 0 || symbols.some((symbol) => typeof symbol !== "string" || symbol.length === 0)) {
    throw new BtError(
      "VALIDATION",
      `sweep: symbols must be one or more non-empty strings, got ${describeValue(options.symbols)}`,
      {
        field: "symbols",
        value: options.symbols,
      },
    );
  }
  if (new Set(symbols).size !== symbols.length) {
    throw new BtError("VALIDATION", "sweep: a symbol is listed twice", {
      field: "symbols",
      value: options.symbols,
    });
  }
  const metric = options.metric ?? "sharpeRatio";
  if (!isWalkerMetric(metric)) {
    throw new BtError(
      "VALIDATION",
      `sweep: unknown metric ${describeValue(metric)} (one of ${WALKER_METRICS.join(", ")})`,
      {
        field: "metric",
        value: metric,
      },
    );
  }
  const frame = normalizeFrame(options.frame);
  const resumed = resumedEntries(options.resume, names, symbols, frame.frameName);
  const pending = symbols
    .map((symbol) => ({
      symbol,
      indices: paramSets.map((_, index) => index).filter((index) => !resumed.get(symbol)?.has(index)),
    }))
    .filter((symbol) => symbol.indices.length > 0);
  return {
    paramSets,
    names,
    symbols,
    frame,
    metric,
    backtest: { ...options.backtest },
    config: mergeConfig(getConfig(), options.config),
    exchangeName: options.exchangeName ?? "sweep",
    keepClosed: options.keepClosed ?? true,
    resumed,
    resumedCount: [...resumed.values()].reduce((sum, bySet) => sum + bySet.size, 0),
    pending,
    total: paramSets.length * symbols.length,
  };
}

/**
 * Indexes the `resume` entries of a sweep by symbol and parameter-set index.
 * @throws BtError VALIDATION naming the entry when its strategy name, symbol or frame name is not this
 * sweep's, or when a (strategyName, symbol) pair is given twice.
 */
function resumedEntries(
  resume: ReadonlyArray<ISweepEntry> | undefined,
  names: ReadonlyArray<string>,
  symbols: ReadonlyArray<string>,
  frameName: string,
): Map<string, Map<number, ISweepEntry>> {
  const bySymbol = new Map<string, Map<number, ISweepEntry>>();
  if (resume === undefined) return bySymbol;
  if (!Array.isArray(resume)) {
    throw new BtError(
      "VALIDATION",
      `sweep: resume must be an array of entries, got ${describeValue(resume)}`,
      {
        field: "resume",
        value: resume,
      },
    );
  }
  const indexOf = new Map(names.map((name, index) => [name, index]));
  resume.forEach((entry: ISweepEntry, position) => {
    const label = `sweep: resume[${position}] (${describeValue(entry?.strategyName)} on ${describeValue(entry?.symbol)})`;
    const index = indexOf.get(entry?.strategyName);
    if (index === undefined) {
      throw new BtError(
        "VALIDATION",
        `${label}: strategy ${describeValue(entry?.strategyName)} is not one of this sweep's parameter sets`,
        { field: `resume[${position}].strategyName`, value: entry?.strategyName },
      );
    }
    if (!symbols.includes(entry.symbol)) {
      throw new BtError(
        "VALIDATION",
        `${label}: symbol ${describeValue(entry.symbol)} is not one of this sweep's symbols (${symbols.join(", ")})`,
        { field: `resume[${position}].symbol`, value: entry.symbol },
      );
    }
    if (entry.frameName !== frameName) {
      throw new BtError(
        "VALIDATION",
        `${label}: frame ${describeValue(entry.frameName)} is not this sweep's frame ${describeValue(frameName)}`,
        { field: `resume[${position}].frameName`, value: entry.frameName },
      );
    }
    let bySet = bySymbol.get(entry.symbol);
    if (bySet === undefined) {
      bySet = new Map();
      bySymbol.set(entry.symbol, bySet);
    }
    if (bySet.has(index)) {
      throw new BtError("VALIDATION", `${label}: this pair is given twice`, {
        field: `resume[${position}]`,
        value: entry.strategyName,
      });
    }
    bySet.set(index, entry);
  });
  return bySymbol;
}
