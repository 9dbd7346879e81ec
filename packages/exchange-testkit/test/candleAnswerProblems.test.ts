import type { ICandleData } from "@bt/core";
import { candleAnswerProblems } from "@bt/exchange-testkit";
import { describe, expect, it } from "vitest";

const START = Date.UTC(2025, 0, 1);
const data = { dataStartMs: START, dataEndMs: START + 10 * 60_000 };
const candle = (minute: number, overrides: Partial<ICandleData> = {}): ICandleData => ({
  timestamp: START + minute * 60_000,
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 1,
  ...overrides,
});
const request = { symbol: "BTCUSDT", interval: "1m" as const, sinceMs: START, limit: 3 };

describe("candleAnswerProblems", () => {
  it("accepts a valid answer", () => {
    expect(candleAnswerProblems([candle(0), candle(1), candle(2)], request, data)).toEqual([]);
  });

  it("names every broken invariant", () => {
    const problems = candleAnswerProblems(
      [candle(1, { low: 100.6 }), candle(1, { volume: -1 }), candle(0, { high: Number.NaN })],
      request,
      data,
    );
    // OHLC problems are core's candleProblem messages (one rule for every candle in bt).
    expect(problems.join("\n")).toMatch(/low 100.6 is above min\(open, close\)/);
    expect(problems.join("\n")).toMatch(/volume must be a finite non-negative number, got -1/);
    expect(problems.join("\n")).toMatch(/not ascending or duplicated/);
    expect(problems.join("\n")).toMatch(/high must be a finite positive price, got NaN/);
  });

  it("rejects non-positive prices (the contract used to let a zero price pass)", () => {
    const problems = candleAnswerProblems([candle(0, { open: 0 })], { ...request, limit: 1 }, data);
    expect(problems.join("\n")).toMatch(/open must be a finite positive price, got 0/);
  });

  it("rejects too many candles, candles before since, unaligned times and short answers while data remains", () => {
    expect(candleAnswerProblems([candle(0), candle(1), candle(2), candle(3)], request, data)).toContain(
      "4 candles for limit 3",
    );
    expect(
      candleAnswerProblems([candle(0)], { ...request, sinceMs: START + 60_000, limit: 1 }, data)[0],
    ).toMatch(/before since/);
    expect(
      candleAnswerProblems([{ ...candle(0), timestamp: START + 1_000 }], { ...request, limit: 1 }, data)[0],
    ).toMatch(/not aligned to 1m/);
    expect(candleAnswerProblems([candle(0)], request, data)[0]).toMatch(/1 < limit 3 though/);
  });

  it("allows a short answer at the end of the data", () => {
    expect(
      candleAnswerProblems([candle(8), candle(9)], { ...request, sinceMs: START + 8 * 60_000 }, data),
    ).toEqual([]);
  });
});
