import { candleProblem } from "@bt/core";
import { describe, expect, it } from "vitest";
import { generateCandleColumns, generateCandles } from "../src/candleGenerator";

const START_MS = Date.UTC(2025, 0, 1);

/** Sample autocorrelation of `series` at `lag`. */
function autocorrelation(series: Float64Array, lag: number): number {
  let mean = 0;
  for (const value of series) mean += value;
  mean /= series.length;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < series.length; index++) {
    const centred = series[index]! - mean;
    denominator += centred * centred;
    if (index >= lag) numerator += centred * (series[index - lag]! - mean);
  }
  return numerator / denominator;
}

function logReturns(close: Float64Array): Float64Array {
  const returns = new Float64Array(close.length - 1);
  for (let index = 1; index < close.length; index++) {
    returns[index - 1] = Math.log(close[index]! / close[index - 1]!);
  }
  return returns;
}

describe("generateCandles", () => {
  it("is deterministic: the same options give the same candles", () => {
    const first = generateCandles({ seed: 7, startMs: START_MS, count: 5_000 });
    const second = generateCandles({ seed: 7, startMs: START_MS, count: 5_000 });
    expect(second).toEqual(first);
  });

  it("differs between seeds", () => {
    const first = generateCandleColumns({ seed: 1, startMs: START_MS, count: 1_000 });
    const second = generateCandleColumns({ seed: 2, startMs: START_MS, count: 1_000 });
    let differing = 0;
    for (let index = 0; index < 1_000; index++) if (first.close[index] !== second.close[index]) differing++;
    expect(differing).toBeGreaterThan(900);
  });

  it("object and column forms hold the same candles", () => {
    const options = { seed: 3, startMs: START_MS, count: 2_000, startPrice: 3_000 };
    const candles = generateCandles(options);
    const columns = generateCandleColumns(options);
    candles.forEach((candle, index) => {
      expect(candle).toEqual({
        timestamp: columns.timestamp[index],
        open: columns.open[index],
        high: columns.high[index],
        low: columns.low[index],
        close: columns.close[index],
        volume: columns.volume[index],
      });
    });
  });

  it("keeps every OHLC invariant on 100k candles, on the tick grid, contiguous in time", () => {
    const columns = generateCandleColumns({ seed: 11, startMs: START_MS, count: 100_000, startPrice: 100 });
    const problems: string[] = [];
    for (let index = 0; index < 100_000; index++) {
      const candle = {
        timestamp: columns.timestamp[index]!,
        open: columns.open[index]!,
        high: columns.high[index]!,
        low: columns.low[index]!,
        close: columns.close[index]!,
        volume: columns.volume[index]!,
      };
      const problem = candleProblem(candle);
      if (problem !== null) problems.push(`${index}: ${problem}`);
      if (!(candle.volume > 0)) problems.push(`${index}: volume ${candle.volume} not > 0`);
      if (candle.timestamp !== START_MS + index * 60_000)
        problems.push(`${index}: timestamp ${candle.timestamp}`);
      for (const price of [candle.open, candle.high, candle.low, candle.close]) {
        if (Math.abs(price * 100 - Math.round(price * 100)) > 1e-6)
          problems.push(`${index}: off-tick ${price}`);
      }
      if (index > 0 && candle.open !== columns.close[index - 1])
        problems.push(`${index}: open ≠ previous close`);
      if (problems.length > 5) break;
    }
    expect(problems).toEqual([]);
  });

  it("shows volatility clustering (|returns| positively autocorrelated) and fat tails", () => {
    const columns = generateCandleColumns({ seed: 5, startMs: START_MS, count: 100_000 });
    const returns = logReturns(columns.close);
    const absolute = returns.map(Math.abs);
    for (const lag of [1, 5, 30]) expect(autocorrelation(absolute, lag)).toBeGreaterThan(0.05);
    // Raw returns themselves are close to uncorrelated: the clustering is in magnitude, not direction.
    expect(Math.abs(autocorrelation(returns, 1))).toBeLessThan(0.05);
    let mean = 0;
    for (const value of returns) mean += value;
    mean /= returns.length;
    let second = 0;
    let fourth = 0;
    for (const value of returns) {
      second += (value - mean) ** 2;
      fourth += (value - mean) ** 4;
    }
    const kurtosis = fourth / returns.length / (second / returns.length) ** 2;
    expect(kurtosis).toBeGreaterThan(4);
  });

  it("has intraday seasonality: the US-open hour is more volatile and busier than the Asian night", () => {
    const columns = generateCandleColumns({ seed: 9, startMs: START_MS, count: 60 * 1_440 });
    const returns = logReturns(columns.close);
    const absoluteByHour = new Float64Array(24);
    const volumeByHour = new Float64Array(24);
    for (let index = 0; index < returns.length; index++) {
      const hour = new Date(columns.timestamp[index + 1]!).getUTCHours();
      absoluteByHour[hour]! += Math.abs(returns[index]!);
      volumeByHour[hour]! += columns.volume[index + 1]!;
    }
    expect(absoluteByHour[14]!).toBeGreaterThan(1.5 * absoluteByHour[3]!);
    expect(volumeByHour[14]!).toBeGreaterThan(1.5 * volumeByHour[3]!);
  });
});
