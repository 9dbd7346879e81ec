// Live test helpers: a deterministic strategy that opens, schedules, closes and cancels often on
// wiggly candles, registered on a fresh engine with an in-memory exchange, and a runner on a
// simulated clock.

import type { IBroker, ISignalDto, IStrategyTickResult, IStrategyTickResultClosed } from "@bt/core";
import {
  createMemoryPersist,
  createMemoryPersistV2,
  type IFaultyPersistV2,
  type IPersistFaultOptions,
  withPersistFaults,
} from "@bt/persist-testkit";
import {
  createSimulatedClock,
  getAveragePrice,
  getCandles,
  type IEngine,
  type ILiveOptions,
} from "../src/index";
import {
  collect,
  createTestEngine,
  type ITestEngineOptions,
  MINUTE,
  memoryExchange,
  T0,
  wigglyCandles,
} from "./helpers";

export const SYMBOL = "BTCUSDT";
/** Candles from T0 − 60 min to T0 + 2 days. */
export const CANDLES = wigglyCandles(T0 - 60 * MINUTE, 60 + 2 * 1440 + 10);

/**
 * Every third window: none. Otherwise follow the 10-minute direction; on even minutes open at once,
 * on odd minutes schedule 0.3% away (activates or is cancelled). TP 1.2%, SL 1%, 45 minutes at most.
 */
export async function wiggleSignal(symbol: string, when: Date): Promise<ISignalDto | null> {
  const minute = Math.round(when.getTime() / MINUTE);
  if (minute % 3 === 0) return null;
  const candles = await getCandles(symbol, "1m", 10);
  const first = candles[0];
  const last = candles.at(-1);
  if (first === undefined || last === undefined) return null;
  const price = await getAveragePrice(symbol);
  const position = last.close >= first.close ? "long" : "short";
  const sign = position === "long" ? 1 : -1;
  const scheduled = minute % 2 === 1;
  const priceOpen = scheduled ? price * (1 - sign * 0.003) : price;
  return {
    position,
    priceOpen: scheduled ? priceOpen : undefined,
    priceTakeProfit: priceOpen * (1 + sign * 0.012),
    priceStopLoss: priceOpen * (1 - sign * 0.01),
    minuteEstimatedTime: 45,
  };
}

/**
 * A fresh test engine with exchange "mem" and strategy "wiggle" (interval given, default 1m); any
 * listenError fails the test unless `expectErrors`.
 */
export function wiggleEngine(interval: "1m" | "5m" = "1m", options: ITestEngineOptions = {}): IEngine {
  const engine = createTestEngine(options);
  engine.addExchange(memoryExchange("mem", { [SYMBOL]: CANDLES }));
  engine.addStrategy({ strategyName: "wiggle", interval, getSignal: wiggleSignal });
  return engine;
}

/** Runs "wiggle" live from `startMs` on a simulated clock until `stopAt`; returns the yielded results. */
export function runWiggleLive(
  engine: IEngine,
  startMs: number,
  options: ILiveOptions & { stopAt: number },
): Promise<IStrategyTickResult[]> {
  return collect(
    engine.Live.run(
      SYMBOL,
      { strategyName: "wiggle", exchangeName: "mem" },
      { clock: createSimulatedClock(startMs), ...options },
    ),
  );
}

/** The fields of a closed result that must agree between runs. */
export function closedBrief(result: IStrategyTickResultClosed) {
  return {
    id: result.signal.id,
    position: result.signal.position,
    pendingAt: result.signal.pendingAt,
    timestamp: result.timestamp,
    reason: result.closeReason,
    priceOpen: result.pnl.priceOpen,
    priceClose: result.pnl.priceClose,
    pnl: result.pnl.pnlPercentage,
  };
}

/** A broker that delegates to `inner` but fails with `makeError()` while `failing()` is true. */
export function flakyBroker(
  inner: IBroker,
  failing: (leg: "open" | "close") => boolean,
  makeError: () => Error,
): IBroker {
  return {
    name: "flaky",
    specVersion: 1,
    openPosition: async (signal, price) => {
      if (failing("open")) throw makeError();
      return inner.openPosition(signal, price);
    },
    closePosition: async (signal, price, reason) => {
      if (failing("close")) throw makeError();
      return inner.closePosition(signal, price, reason);
    },
  };
}

/** Options of memoryStore: the shared records of a "restart" plus the fault wrapper's options. */
export interface IMemoryStoreOptions extends IPersistFaultOptions {
  /** Records shared across adapters (`"<entity>/<key>"` → JSON); pass the same Map to restart. */
  records?: Map<string, string>;
  /** The store's lease clock, epoch ms (default Date.now): a later clock sees an earlier holder's lease expired. */
  now?: () => number;
}

/**
 * A contract v2 in-memory store in @bt/persist-testkit's fault wrapper; batches are applied one
 * operation at a time unless `atomicBatch`, so a death can land between the steps of a batch.
 */
export function memoryStore(options: IMemoryStoreOptions = {}): IFaultyPersistV2 {
  const { records, now, ...faults } = options;
  return withPersistFaults(createMemoryPersistV2({ records, now }), { atomicBatch: false, ...faults });
}

/** A contract v1 in-memory store (the testkit's v1 reference adapter) over shared `records`. */
export function legacyStore(records: Map<string, string> = new Map()) {
  return createMemoryPersist({ records });
}
