// The live fault-injection scenario, through the public APIs only: a price ramp served by an in-memory
// exchange, a strategy that trades once ("market": a long opened at T0 that takes profit on the ramp;
// "limit": a short scheduled at T0 that activates on the ramp and stops out), a paper broker on the
// store under test seen through a fault wrapper, and a simulated clock. Each run returns its results,
// the errors the engine reported (with source and willRetry) and the persisted outcome. Two more kinds
// change the position's size: "ladder" (a long at T0 that takes two partial profits on the ramp and
// expires) and "dca" (a short at T0 that adds two entries as the ramp rises against it, then stops out).

import {
  type BrokerPositionChange,
  BtError,
  clientOrderId,
  type IBroker,
  type IBrokerFill,
  type ICandleData,
  type ISignalDto,
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
  persistKey,
} from "@bt/core";
import {
  createEngine,
  createPaperBroker,
  createSimulatedClock,
  getAveragePrice,
  type IEngine,
  type ILiveClock,
  type ILiveOptions,
  type IPaperBroker,
  readLiveState,
} from "@bt/engine";
import type { IFaultStore } from "./faultStores";

export const MINUTE_MS = 60_000;
/** The minute the strategy decides, epoch ms. */
export const T0 = Date.UTC(2025, 0, 1);
/** Every run starts two minutes before T0 (two idle ticks: a getSignal fault there changes nothing). */
export const START_MS = T0 - 2 * MINUTE_MS;
/** Where the uninterrupted run stops. */
export const STOP_MS = T0 + 120 * MINUTE_MS;
export const SYMBOL = "BTCUSDT";
export const EXCHANGE = "ramp";
export type StrategyKind = "market" | "limit" | "ladder" | "dca";
/** The run's record key, `persistKey(symbol, strategy, exchange)`. */
export const runKeyOf = (kind: StrategyKind) => persistKey(SYMBOL, kind, EXCHANGE);

/**
 * Flat at 100 until minute −1, then a ramp of 0.1 a minute up to 102 (minute 19), flat after; o = h = l =
 * c. So the VWAP price is 100 at T0 and moves every minute after it: an order sent later is sent, and
 * filled, at another price than the decision's.
 */
export function rampCandles(): ICandleData[] {
  const candles: ICandleData[] = [];
  for (let minute = -60; minute < 600; minute++) {
    const price = minute < -1 ? 100 : Math.min(102, 100 + 0.1 * (minute + 1));
    const timestamp = T0 + minute * MINUTE_MS;
    candles.push({ timestamp, open: price, high: price, low: price, close: price, volume: 1 });
  }
  return candles;
}

const CANDLES = rampCandles();

/** The exchange; `hang(timestampMs)` makes the call a promise that never settles. */
function rampExchange(hang: (nowMs: number) => boolean, now: () => number) {
  return {
    exchangeName: EXCHANGE,
    async getCandles(_symbol: string, interval: string, since: Date, limit: number) {
      if (hang(now())) return never<ICandleData[]>();
      if (interval !== "1m") throw new Error(`ramp serves 1m candles only, asked ${interval}`);
      const from = CANDLES.findIndex((candle) => candle.timestamp >= since.getTime());
      return from === -1 ? [] : CANDLES.slice(from, from + limit);
    },
  };
}

/** A promise that never settles (a hung venue, exchange or strategy). */
export const never = <T>() => new Promise<T>(() => undefined);

/** What can go wrong around a run. */
export interface IFaultOptions {
  kind?: StrategyKind;
  /** Engine config patch (the timeouts). */
  config?: Record<string, number>;
  /** getSignal hangs at these times. */
  hangSignal?: (whenMs: number) => boolean;
  /** getCandles hangs while this is true for the run's time. */
  hangExchange?: (nowMs: number) => boolean;
}

/** One engine with the ramp exchange and the strategy of `kind` (one decision, at T0). */
export function faultEngine(options: IFaultOptions = {}): {
  engine: IEngine;
  clockRef: { now: () => number };
} {
  const kind = options.kind ?? "market";
  const engine = createEngine({ config: options.config ?? {} });
  const clockRef = { now: () => START_MS };
  engine.addExchange(rampExchange(options.hangExchange ?? (() => false), () => clockRef.now()));
  engine.addStrategy({
    strategyName: kind,
    interval: "1m",
    getSignal: async (symbol: string, when: Date): Promise<ISignalDto | null> => {
      if (options.hangSignal?.(when.getTime())) return never();
      if (when.getTime() !== T0) return null;
      const price = await getAveragePrice(symbol);
      if (kind === "ladder") {
        // Partials at 100.5 and 101 (minutes 7 and 12: the live price, a 5-candle VWAP, lags the ramp);
        // the take profit is never reached (the ramp stops at 102): the rest expires at T0 + 60 min.
        return {
          position: "long",
          cost: 1_000,
          priceTakeProfit: price * 1.03,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 60,
          takeProfitLadder: [
            { profitPercent: 0.5, closePercent: 50 },
            { profitPercent: 1, closePercent: 25 },
          ],
        };
      }
      if (kind === "dca") {
        // Added entries at 100.3 and 100.8 (1.5× the cost); stopped out at 101.5 (minutes 5, 10, 17 live).
        return {
          position: "short",
          cost: 1_000,
          priceTakeProfit: price * 0.99,
          priceStopLoss: price * 1.015,
          minuteEstimatedTime: 240,
          dca: { levels: [{ lossPercent: 0.3 }, { lossPercent: 0.8, costPercent: 150 }] },
        };
      }
      if (kind === "market") {
        return {
          position: "long",
          priceTakeProfit: price * 1.01,
          priceStopLoss: price * 0.99,
          minuteEstimatedTime: 240,
        };
      }
      const priceOpen = price + 0.5;
      return {
        position: "short",
        priceOpen,
        priceTakeProfit: priceOpen * 0.99,
        priceStopLoss: priceOpen * 1.01,
        minuteEstimatedTime: 240,
      };
    },
  });
  return { engine, clockRef };
}

/** An error the engine reported: the message, its code and the logger details it came with. */
export interface IReportedError {
  message: string;
  code: string | undefined;
  source: string | undefined;
  willRetry: boolean | undefined;
}

/** What one run did. */
export interface IFaultRun {
  engine: IEngine;
  results: IStrategyTickResult[];
  errors: IReportedError[];
  infos: string[];
  /** The error the run ended with, if any. */
  failure: unknown;
  paper: IPaperBroker;
}

/** A broker wrapper: gets the paper broker and the run's clock, returns what Live talks to. */
export type BrokerWrap = (paper: IPaperBroker, now: () => number) => IBroker;

/** Options of one run. */
export interface IRunOptions extends IFaultOptions {
  wrap?: BrokerWrap;
  startMs?: number;
  stopAt?: number;
  /** Wraps the simulated clock (e.g. to wipe the store at a given time). */
  clock?: (clock: ILiveClock & { now(): number }) => ILiveClock;
  live?: Partial<ILiveOptions>;
  /** Called with the engine before the run starts (listeners, Live.stop). */
  beforeRun?: (engine: IEngine) => void;
}

/** Runs the strategy live on a fresh adapter instance of `store` until `stopAt` (default STOP_MS). */
export async function runFaultScenario(store: IFaultStore, options: IRunOptions = {}): Promise<IFaultRun> {
  const kind = options.kind ?? "market";
  const { engine, clockRef } = faultEngine(options);
  const errors: IReportedError[] = [];
  const infos: string[] = [];
  engine.setLogger({
    debug: () => undefined,
    info: (message) => infos.push(message),
    warn: () => undefined,
    error: (message, details) => {
      const error = details?.error;
      errors.push({
        message,
        code: BtError.isInstance(error) ? error.code : undefined,
        source: typeof details?.source === "string" ? details.source : undefined,
        willRetry: typeof details?.willRetry === "boolean" ? details.willRetry : undefined,
      });
    },
  });
  const simulated = createSimulatedClock(options.startMs ?? START_MS);
  clockRef.now = () => simulated.now();
  const clock = options.clock ? options.clock(simulated) : simulated;
  const persist = store.open();
  const paper = createPaperBroker({ persist, now: () => simulated.now() });
  const broker = options.wrap ? options.wrap(paper, () => simulated.now()) : paper;
  options.beforeRun?.(engine);
  const results: IStrategyTickResult[] = [];
  let failure: unknown;
  try {
    for await (const result of engine.Live.run(
      SYMBOL,
      { strategyName: kind, exchangeName: EXCHANGE },
      {
        persist,
        broker,
        clock,
        stopAt: options.stopAt ?? STOP_MS,
        handleProcessSignals: false,
        ...options.live,
      },
    )) {
      results.push(result);
    }
  } catch (error) {
    failure = error;
  }
  await engine.waitForListeners();
  await persist.dispose();
  return { engine, results, errors, infos, failure, paper };
}

/** A closed trade with every fill (what a size-change case compares). */
export function tradeWithFillsOf(result: IStrategyTickResultClosed) {
  return { ...tradeOf(result), fills: result.signal.fills };
}

/** The fields of a closed trade that must agree between runs. */
export function tradeOf(result: IStrategyTickResultClosed) {
  return {
    id: result.signal.id,
    position: result.signal.position,
    openedAt: result.signal.pendingAt,
    closedAt: result.timestamp,
    reason: result.closeReason,
    priceOpen: result.pnl.priceOpen,
    priceClose: result.pnl.priceClose,
    pnlPercentage: result.pnl.pnlPercentage,
  };
}

export const closedOf = (results: IStrategyTickResult[]) =>
  results.filter((result): result is IStrategyTickResultClosed => result.action === "closed");

/** What the store holds after a run: the history, the open and scheduled signal, the broker's orders. */
export async function storedOutcome(store: IFaultStore, kind: StrategyKind = "market") {
  const persist = store.open();
  try {
    const state = await readLiveState(persist, SYMBOL, kind, EXCHANGE);
    const orders = await createPaperBroker({ persist }).orders();
    return {
      closed: state.closed.map(tradeOf),
      /** The closed trades with every fill (model price, kind, cost / fraction, executed price). */
      closedFills: state.closed.map(tradeWithFillsOf),
      missing: state.missing,
      position:
        state.position === null ? null : { id: state.position.signal.id, phase: state.position.phase },
      scheduled:
        state.scheduled === null ? null : { id: state.scheduled.signal.id, phase: state.scheduled.phase },
      orders: orders.map((order) => ({
        clientOrderId: order.clientOrderId,
        signalId: order.signalId,
        leg: order.leg,
        requestedPrice: order.requestedPrice,
        price: order.price,
        quantity: order.quantity,
        filledAt: order.filledAt,
        requestCount: order.requestCount,
      })),
    };
  } finally {
    await persist.dispose();
  }
}

/** Every recorded trade is the broker's fills: open and close price and time equal its orders. */
export function expectTradesAreFills(outcome: Awaited<ReturnType<typeof storedOutcome>>): string[] {
  const problems: string[] = [];
  for (const trade of outcome.closed) {
    const open = outcome.orders.find((order) => order.signalId === trade.id && order.leg === "open");
    const close = outcome.orders.find((order) => order.signalId === trade.id && order.leg === "close");
    if (open?.price !== trade.priceOpen || open?.filledAt !== trade.openedAt)
      problems.push(`${trade.id} open`);
    if (close?.price !== trade.priceClose || close?.filledAt !== trade.closedAt)
      problems.push(`${trade.id} close`);
  }
  return problems;
}

/** A retryable venue error ("503"), as a venue adapter would classify it. */
export const unavailable = () =>
  new BtError("BROKER", "venue: 503 service unavailable", { adapter: "venue", retryable: true });

/** The paper broker, failing every call of `leg` (and lookups) while `down(leg, nowMs)`. */
export function outageBroker(down: (leg: "open" | "close", nowMs: number) => boolean): BrokerWrap {
  return (paper, now) => ({
    name: "venue",
    specVersion: 1,
    openPosition: async (signal, price) => {
      if (down("open", now())) throw unavailable();
      return paper.openPosition(signal, price);
    },
    closePosition: async (signal, price, reason) => {
      if (down("close", now())) throw unavailable();
      return paper.closePosition(signal, price, reason);
    },
    orderState: async (id, symbol) => {
      if (down("open", now()) && down("close", now())) throw unavailable();
      return paper.orderState(id, symbol);
    },
    openPositions: (symbol) => paper.openPositions(symbol),
  });
}

/** The paper broker whose open fills (answers and lookups) come back damaged while `damaged()`. */
export function damagedFillBroker(
  damage: (fill: IBrokerFill) => IBrokerFill,
  damaged: () => boolean,
): BrokerWrap {
  return (paper) => {
    const maybe = (fill: IBrokerFill) => (damaged() ? damage(fill) : fill);
    return {
      name: "venue",
      specVersion: 1,
      openPosition: async (signal, price) => maybe(await paper.openPosition(signal, price)),
      closePosition: (signal, price, reason) => paper.closePosition(signal, price, reason),
      orderState: async (id, symbol) => {
        const state = await paper.orderState(id, symbol);
        return state.state === "filled" ? { state: "filled", fill: maybe(state.fill) } : state;
      },
      openPositions: (symbol) => paper.openPositions(symbol),
    };
  };
}

/**
 * The paper broker whose size changes go through `onChange`: it gets the call to the paper book
 * (`send`), the run's time and the change's attempt number (1, 2, … per client order id) and decides
 * what the engine sees (the fill, a damaged one, an error, a promise that never settles). Lookups
 * (orderState) and the other legs reach the paper book as they are.
 */
export function changeFaultBroker(
  onChange: (
    send: () => Promise<IBrokerFill>,
    nowMs: number,
    attempt: number,
    change: BrokerPositionChange,
  ) => Promise<IBrokerFill>,
): BrokerWrap {
  return (paper, now) => {
    const attempts = new Map<string, number>();
    const changePosition = paper.changePosition as NonNullable<IBroker["changePosition"]>;
    return {
      name: "venue",
      specVersion: 1,
      openPosition: (signal, price) => paper.openPosition(signal, price),
      closePosition: (signal, price, reason) => paper.closePosition(signal, price, reason),
      changePosition: (signal, change, price) => {
        const id = clientOrderId(signal.id, { kind: change.kind, index: change.index });
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        return onChange(() => changePosition.call(paper, signal, change, price), now(), attempt, change);
      },
      orderState: (id, symbol) => paper.orderState(id, symbol),
      openPositions: (symbol) => paper.openPositions(symbol),
    };
  };
}
