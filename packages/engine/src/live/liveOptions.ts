// The options of a live run: their types, defaults and validation (every bad value named with its field).

import type { IBroker } from "@bt/core";
import {
  accountBalanceOption,
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
}

/** Default live tick interval, ms. */
export const DEFAULT_TICK_INTERVAL_MS = 60_000;
/** Default wait for a lagging previous-minute candle, ms. */
export const DEFAULT_CANDLE_WAIT_MS = 10_000;

/** ILiveOptions after validation, with defaults. */
export interface IResolvedLiveOptions {
  tickIntervalMs: number;
  candleWaitMs: number;
  accountBalance: number;
  stopAt: number | undefined;
}

/**
 * Validates the numeric live options and applies their defaults (the one run-option validator).
 * @throws BtError VALIDATION naming the option and the value.
 */
export function resolveLiveOptions(options: ILiveOptions): IResolvedLiveOptions {
  return {
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
