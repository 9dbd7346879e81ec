// The deterministic live scenario of the crash test: seeded 1m candles (a wiggle plus seeded noise)
// served by an in-memory exchange, and a 1m strategy that opens at once or schedules, long or short,
// with tight TP/SL so positions open, close and cancel every few minutes. The "manage" variant adds
// position management to the same signals: a take-profit ladder (partial exits), a DCA ladder (added
// entries) and a trailing stop, so kills also land inside size changes (the "changing" phase).

import type { ICandleData, IExchangeSchema, ISignalDto, IStrategySchema } from "@bt/core";
import { getAveragePrice, getCandles } from "@bt/engine";

/** Symbol, strategy and exchange names of the scenario. */
export const SCENARIO = {
  symbol: "BTCUSDT",
  strategyName: "crash-wiggle",
  exchangeName: "crash-memory",
} as const;
/** First live tick of the scenario, epoch ms. */
export const SCENARIO_START_MS = Date.UTC(2025, 0, 1);
const MINUTE_MS = 60_000;
const WARMUP_MINUTES = 30;

/** Mulberry32: a small seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `minutes` 1m candles from SCENARIO_START_MS − 30 min: deterministic for a given seed. */
export function scenarioCandles(minutes: number, seed = 7): ICandleData[] {
  const random = seededRandom(seed);
  const candles: ICandleData[] = [];
  let close = 100;
  for (let index = 0; index < minutes + WARMUP_MINUTES; index++) {
    const open = close;
    close = 100 + 6 * Math.sin(index / 23) + 2 * Math.sin(index / 4.1) + (random() - 0.5) * 1.2;
    candles.push({
      timestamp: SCENARIO_START_MS + (index - WARMUP_MINUTES) * MINUTE_MS,
      open,
      high: Math.max(open, close) + random() * 0.3,
      low: Math.min(open, close) - random() * 0.3,
      close,
      volume: 1 + Math.floor(random() * 9),
    });
  }
  return candles;
}

/** An exchange serving `candles` (1m only) from memory. */
export function scenarioExchange(candles: ReadonlyArray<ICandleData>): IExchangeSchema {
  return {
    exchangeName: SCENARIO.exchangeName,
    async getCandles(_symbol, interval, since, limit) {
      if (interval !== "1m") throw new Error(`crash-memory serves 1m candles only, asked ${interval}`);
      const from = candles.findIndex((candle) => candle.timestamp >= since.getTime());
      return from === -1 ? [] : candles.slice(from, from + limit);
    },
  };
}

/**
 * Every fourth minute: none. Otherwise follow the 8-minute direction; one minute in three schedules
 * 0.15% away, the others open at once. TP 0.7%, SL 0.6%, 12 minutes at most.
 */
async function getSignal(symbol: string, when: Date): Promise<ISignalDto | null> {
  const minute = Math.round(when.getTime() / MINUTE_MS);
  if (minute % 4 === 0) return null;
  const candles = await getCandles(symbol, "1m", 8);
  const first = candles[0];
  const last = candles.at(-1);
  if (first === undefined || last === undefined) return null;
  const price = await getAveragePrice(symbol);
  const sign = last.close >= first.close ? 1 : -1;
  const scheduled = minute % 3 === 1;
  const priceOpen = scheduled ? price * (1 - sign * 0.0015) : price;
  return {
    position: sign === 1 ? "long" : "short",
    priceOpen: scheduled ? priceOpen : undefined,
    priceTakeProfit: priceOpen * (1 + sign * 0.007),
    priceStopLoss: priceOpen * (1 - sign * 0.006),
    minuteEstimatedTime: 12,
    note: scheduled ? "scheduled" : "market",
  };
}

/** The scenario's strategy schema. */
export const scenarioStrategy: IStrategySchema = {
  strategyName: SCENARIO.strategyName,
  interval: "1m",
  getSignal,
};

/** Which strategy the crash scenario runs: the plain one, or the same signals with position management. */
export type ScenarioVariant = "plain" | "manage";

/** Strategy name of the "manage" variant. */
export const MANAGE_STRATEGY_NAME = "crash-manage";

/**
 * The "manage" variant's rules on every signal (the wiggle moves ~0.2–0.5 % a minute, so most trades
 * take one or two partials or DCA entries and many stops are trailed): 40 % off at +0.25 %, 30 % more at
 * +0.45 %; an added entry at −0.2 % and a larger one at −0.4 % from the first (at most 3 entries); a
 * stop trailing 0.25 % behind the best price once the trade is 0.3 % in profit. Sized: 1,000 a signal.
 */
const MANAGE_RULES: Partial<ISignalDto> = {
  cost: 1_000,
  takeProfitLadder: [
    { profitPercent: 0.25, closePercent: 40 },
    { profitPercent: 0.45, closePercent: 30 },
  ],
  dca: { levels: [{ lossPercent: 0.2 }, { lossPercent: 0.4, costPercent: 150 }], maxEntries: 3 },
  trailingStop: { distancePercent: 0.25, activationPercent: 0.3 },
};

/** The "manage" variant: the scenario's signals with MANAGE_RULES. */
export const manageScenarioStrategy: IStrategySchema = {
  strategyName: MANAGE_STRATEGY_NAME,
  interval: "1m",
  getSignal: async (symbol, when) => {
    const signal = await getSignal(symbol, when);
    return signal === null ? null : { ...signal, ...MANAGE_RULES };
  },
};

/** The strategy schema of `variant`. */
export function scenarioStrategyOf(variant: ScenarioVariant): IStrategySchema {
  return variant === "manage" ? manageScenarioStrategy : scenarioStrategy;
}
