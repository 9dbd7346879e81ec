// The options of a live run: their types, defaults and validation (every bad value named with its field).

import { DEFAULT_MAX_FILL_DEVIATION_PERCENT, type IBroker } from "@bt/core";
import {
  accountBalanceOption,
  checkOptionNames,
  epochMsOption,
  integerOption,
  nonNegativeNumberOption,
} from "../run/runOptions";
import type { ILiveClock } from "./liveClock";
import type { AnyPersistAdapter } from "./persistView";

/** Which schemas a live run uses. */
export interface ILiveContext {
  strategyName: string;
  exchangeName: string;
}

/** Options of a live run (all optional, but without `persist` a restart forgets everything). */
export interface ILiveOptions {
  /**
   * Where the open position, the scheduled signal, the tick cursor and the closed history are kept
   * (restored before the first tick). Without it the run is in memory only: a crash or restart forgets
   * open positions (the broker still holds them).
   */
  persist?: AnyPersistAdapter;
  /** Executes opens and closes; default a paper broker (createPaperBroker) on the run's clock and `persist`. */
  broker?: IBroker;
  /** Time source; default the wall clock. */
  clock?: ILiveClock;
  /** Milliseconds between ticks, positive integer; ticks fall on multiples of it (default 60,000: each minute). */
  tickIntervalMs?: number;
  /** Epoch ms: the run ends (listenDoneLive, stopped false) before the first tick at or after it; default never. */
  stopAt?: number;
  /** Quote-currency balance that sizing profiles size against (default 10,000). */
  accountBalance?: number;
  /** Stop gracefully on SIGINT / SIGTERM (default false for Live.run, true for Live.background). */
  handleProcessSignals?: boolean;
  /** How long a tick waits for the previous minute's 1m candle when the exchange lags, ms (default 10,000). */
  candleWaitMs?: number;
  /**
   * How long a decided open or close may wait for the broker before it is decided again on current
   * prices, ms (default 300,000 = 5 minutes): a stale open whose take profit, stop loss or lifetime was
   * crossed meanwhile is cancelled (reason "stale"), never filled at an old price.
   */
  orderStalenessMs?: number;
  /** Ticks between two reconciliations of the persisted records with the broker (default 60; 0: at start only). */
  reconcileEveryTicks?: number;
  /** Lifetime of the run's one-writer lease in the store, ms (default 30,000; renewed every third of it). */
  leaseTtlMs?: number;
  /** Largest distance of a broker fill from the market price it was asked at, percent (default 10). */
  maxFillDeviationPercent?: number;
}

const LIVE_OPTIONS = [
  "persist",
  "broker",
  "clock",
  "tickIntervalMs",
  "stopAt",
  "accountBalance",
  "handleProcessSignals",
  "candleWaitMs",
  "orderStalenessMs",
  "reconcileEveryTicks",
  "leaseTtlMs",
  "maxFillDeviationPercent",
];

/** Default live tick interval, ms. */
export const DEFAULT_TICK_INTERVAL_MS = 60_000;
/** Default wait for a lagging previous-minute candle, ms. */
export const DEFAULT_CANDLE_WAIT_MS = 10_000;
/** Default staleness after which an order not yet placed is decided again, ms. */
export const DEFAULT_ORDER_STALENESS_MS = 300_000;
/** Default ticks between reconciliations with the broker. */
export const DEFAULT_RECONCILE_EVERY_TICKS = 60;
/** Default lease lifetime, ms. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

/** ILiveOptions after validation, with defaults. */
export interface IResolvedLiveOptions {
  tickIntervalMs: number;
  candleWaitMs: number;
  accountBalance: number;
  stopAt: number | undefined;
  orderStalenessMs: number;
  reconcileEveryTicks: number;
  leaseTtlMs: number;
  maxFillDeviationPercent: number;
}

/**
 * Validates the numeric live options and applies their defaults (the one run-option validator).
 * @throws BtError VALIDATION naming the option and the value.
 */
export function resolveLiveOptions(options: ILiveOptions): IResolvedLiveOptions {
  checkOptionNames("Live", options, LIVE_OPTIONS);
  const maxFillDeviationPercent = nonNegativeNumberOption(
    "Live",
    "maxFillDeviationPercent",
    options.maxFillDeviationPercent,
    DEFAULT_MAX_FILL_DEVIATION_PERCENT,
  );
  return {
    orderStalenessMs: nonNegativeNumberOption(
      "Live",
      "orderStalenessMs",
      options.orderStalenessMs,
      DEFAULT_ORDER_STALENESS_MS,
    ),
    reconcileEveryTicks: integerOption(
      "Live",
      "reconcileEveryTicks",
      options.reconcileEveryTicks,
      DEFAULT_RECONCILE_EVERY_TICKS,
      0,
    ),
    leaseTtlMs: integerOption("Live", "leaseTtlMs", options.leaseTtlMs, DEFAULT_LEASE_TTL_MS, 1),
    maxFillDeviationPercent,
    tickIntervalMs: integerOption(
      "Live",
      "tickIntervalMs",
      options.tickIntervalMs,
      DEFAULT_TICK_INTERVAL_MS,
      1,
    ),
    candleWaitMs: nonNegativeNumberOption(
      "Live",
      "candleWaitMs",
      options.candleWaitMs,
      DEFAULT_CANDLE_WAIT_MS,
    ),
    accountBalance: accountBalanceOption("Live", options.accountBalance),
    stopAt: epochMsOption("Live", "stopAt", options.stopAt),
  };
}
