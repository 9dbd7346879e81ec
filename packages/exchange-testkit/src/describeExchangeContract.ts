// The exchange contract suite (spec of IExchangeSchema.getCandles): every adapter runs it against a real
// data source (files, a local REST server) to prove candle invariants, limits, `since` and paging.
// Cases carry ids (X01 …) so a failure names the broken rule.

import {
  alignDown,
  CANDLE_INTERVALS,
  type CandleInterval,
  candleProblem,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** What the suite needs to know about the adapter under test and the data behind it. */
export interface IExchangeContractOptions {
  /** Adapter name shown in the test titles. */
  name: string;
  /** Returns the exchange under test (called once per case; may return the same instance). */
  create: () => IExchangeSchema | Promise<IExchangeSchema>;
  /** Symbols the data source holds. */
  symbols: ReadonlyArray<string>;
  /** Open time (epoch ms) of the first 1m candle of every symbol. */
  dataStartMs: number;
  /** End (epoch ms, exclusive) of the data: the close time of the last 1m candle. */
  dataEndMs: number;
  /** Intervals to exercise; default every CandleInterval. */
  intervals?: ReadonlyArray<CandleInterval>;
  /** Random requests in X01; default 100 (lower it for slow sources). */
  numRuns?: number;
  /** Largest `limit` asked in X01; default 3,000. */
  maxLimit?: number;
  /** Timeout per case in ms; default 60,000. */
  timeoutMs?: number;
}

/** The contract version these cases check. */
export const EXCHANGE_CONTRACT_VERSION = 1;

/** Every broken invariant of one getCandles answer, as readable lines (empty when the answer is valid). */
export function candleAnswerProblems(
  candles: ReadonlyArray<ICandleData>,
  request: { symbol: string; interval: CandleInterval; sinceMs: number; limit: number },
  data: { dataStartMs: number; dataEndMs: number },
): string[] {
  const { symbol, interval, sinceMs, limit } = request;
  const stepMs = intervalToMs(interval);
  const problems: string[] = [];
  if (candles.length > limit) problems.push(`${candles.length} candles for limit ${limit}`);
  let previous = Number.NEGATIVE_INFINITY;
  for (const candle of candles) {
    const { timestamp } = candle;
    const at = `${symbol} ${interval} ${new Date(timestamp).toISOString()}`;
    // The one OHLC rule of core: finite positive prices, low ≤ body ≤ high, volume ≥ 0.
    const ohlc = candleProblem(candle);
    if (ohlc !== null) problems.push(`${at}: ${ohlc}`);
    if (timestamp < sinceMs) problems.push(`${at}: before since ${new Date(sinceMs).toISOString()}`);
    if (timestamp <= previous) problems.push(`${at}: not ascending or duplicated`);
    if (alignDown(timestamp, interval) !== timestamp) problems.push(`${at}: not aligned to ${interval}`);
    if (timestamp + stepMs > data.dataEndMs) problems.push(`${at}: extends past the end of the data`);
    previous = timestamp;
  }
  // A short answer is only allowed when the data is exhausted.
  if (candles.length < limit) {
    const next =
      candles.length === 0
        ? alignDown(Math.max(sinceMs, data.dataStartMs) + stepMs - 1, interval)
        : previous + stepMs;
    if (next + stepMs <= data.dataEndMs) {
      problems.push(
        `${symbol} ${interval}: ${candles.length} < limit ${limit} though ${new Date(next).toISOString()} exists`,
      );
    }
  }
  return problems;
}

/**
 * Registers the exchange contract cases (vitest) for one adapter.
 * @example describeExchangeContract({ name: "file", create: () => createFileExchange({ dir }), symbols: ["BTCUSDT"], dataStartMs, dataEndMs })
 */
export function describeExchangeContract(options: IExchangeContractOptions): void {
  const intervals = options.intervals ?? CANDLE_INTERVALS;
  const numRuns = options.numRuns ?? 100;
  const maxLimit = options.maxLimit ?? 3_000;
  const timeout = options.timeoutMs ?? 60_000;
  const data = { dataStartMs: options.dataStartMs, dataEndMs: options.dataEndMs };
  const symbol = options.symbols[0] as string;
  const fetch = async (interval: CandleInterval, sinceMs: number, limit: number, onSymbol = symbol) =>
    (await options.create()).getCandles(onSymbol, interval, new Date(sinceMs), limit);

  describe(`${options.name} passes the exchange contract v${EXCHANGE_CONTRACT_VERSION}`, () => {
    it(
      "X01 random requests: finite OHLCV, low ≤ body ≤ high, volume ≥ 0, ascending aligned unique times, limit, since, complete candles",
      async () => {
        const dayMs = 86_400_000;
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...options.symbols),
            fc.constantFrom(...intervals),
            fc.integer({ min: options.dataStartMs - dayMs, max: options.dataEndMs + 3_600_000 }),
            fc.integer({ min: 0, max: maxLimit }),
            async (onSymbol, interval, sinceMs, limit) => {
              const candles = await fetch(interval, sinceMs, limit, onSymbol);
              expect(
                candleAnswerProblems(candles, { symbol: onSymbol, interval, sinceMs, limit }, data),
              ).toEqual([]);
            },
          ),
          { numRuns },
        );
      },
      timeout,
    );

    it(
      "X02 paging is seamless: one request of 2n equals two consecutive requests of n",
      async () => {
        for (const interval of intervals.slice(0, 3)) {
          const n = 250;
          const whole = await fetch(interval, options.dataStartMs, 2 * n);
          const first = await fetch(interval, options.dataStartMs, n);
          const last = first.at(-1);
          expect(last, `${interval}: the first page is empty`).toBeDefined();
          const second = await fetch(interval, (last as ICandleData).timestamp + intervalToMs(interval), n);
          expect([...first, ...second]).toEqual(whole);
        }
      },
      timeout,
    );

    it(
      "X03 limit 0 returns no candle; since after the data returns no candle",
      async () => {
        expect(await fetch("1m", options.dataStartMs, 0)).toEqual([]);
        expect(await fetch("1m", options.dataEndMs + 3_600_000, 100)).toEqual([]);
      },
      timeout,
    );

    it(
      "X04 since before the data starts at the first candle",
      async () => {
        const candles = await fetch("1m", options.dataStartMs - 3 * 3_600_000, 10);
        expect(candles[0]?.timestamp).toBe(options.dataStartMs);
        expect(candles).toHaveLength(10);
      },
      timeout,
    );

    it(
      "X05 a higher interval aggregates its 1m candles (open first, close last, high max, low min, volume sum)",
      async () => {
        for (const interval of intervals.filter((candidate) => candidate !== "1m").slice(0, 3)) {
          const [candle] = await fetch(interval, options.dataStartMs + intervalToMs(interval), 1);
          expect(candle, `${interval}: no candle`).toBeDefined();
          const { timestamp, open, high, low, close, volume } = candle as ICandleData;
          const minutes = await fetch("1m", timestamp, intervalToMs(interval) / 60_000);
          expect(open).toBe(minutes[0]?.open);
          expect(close).toBe(minutes.at(-1)?.close);
          expect(high).toBe(Math.max(...minutes.map((minute) => minute.high)));
          expect(low).toBe(Math.min(...minutes.map((minute) => minute.low)));
          expect(volume).toBeCloseTo(
            minutes.reduce((sum, minute) => sum + minute.volume, 0),
            6,
          );
        }
      },
      timeout,
    );
  });
}
