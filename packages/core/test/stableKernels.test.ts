// Hot kernels must stay optimised when a path that comes once per run first runs after V8 has optimised
// them: a scan reaching the frame end with the position still open, a position whose best price did not
// move, an equity peak that first becomes a fraction. A deoptimisation there recompiles the kernel once
// more in every thread of a sweep. V8 natives (enabled at run time) optimise the kernel and read its state.

import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONFIG,
  type IStrategyTickResultClosed,
  MarkedDrawdown,
  MINUTE_MS,
  scanPendingExit,
} from "../src/index";
import { at, pendingRow } from "./fixtures";

setFlagsFromString("--allow-natives-syntax");
const prepareForOptimization = new Function("f", "%PrepareFunctionForOptimization(f)") as (
  f: unknown,
) => void;
const optimizeOnNextCall = new Function("f", "%OptimizeFunctionOnNextCall(f)") as (f: unknown) => void;
const optimizationStatus = new Function("f", "return %GetOptimizationStatus(f)") as (f: unknown) => number;
/** V8's OptimizationStatus::kOptimized. */
const OPTIMIZED = 1 << 4;

function isOptimized(f: unknown): boolean {
  return (optimizationStatus(f) & OPTIMIZED) !== 0;
}

describe("kernels stay optimised on paths that come once per run", () => {
  it("scanPendingExit: a scan that reaches the frame end after many that hit", () => {
    // Prices off whole numbers, as real ones are: no field starts as a small integer.
    const signal = pendingRow({
      position: "long",
      priceOpen: 100.25,
      priceTakeProfit: 102.25,
      priceStopLoss: 98.25,
      minuteEstimatedTime: 10_000,
    });
    // Every warm-up scan rises to the take profit: the best price moves, the worst never does.
    const hits = Float64Array.from([100.75, 101.25, 101.75, 102.75]);
    const scan = () => scanPendingExit(signal, hits, 0, hits.length, at(1), MINUTE_MS, DEFAULT_CONFIG);
    // Calls first, so the functions it calls have feedback of their own, then V8 optimises it.
    for (let round = 0; round < 10; round++) expect(scan().index).toBe(3);
    prepareForOptimization(scanPendingExit);
    for (let round = 0; round < 3; round++) expect(scan().index).toBe(3);
    optimizeOnNextCall(scanPendingExit);
    expect(scan().index).toBe(3);
    expect(isOptimized(scanPendingExit)).toBe(true);
    // The frame ends first, the price only fell (the worst price moves, the best does not).
    const open = Float64Array.from([99.75, 99.25, 99.5]);
    const end = scanPendingExit(signal, open, 0, open.length, at(1), MINUTE_MS, DEFAULT_CONFIG);
    expect(end.index).toBe(-1);
    expect(end.signal.worstPrice).toBe(99.25);
    expect(isOptimized(scanPendingExit)).toBe(true);
  });

  it("MarkedDrawdown.add: the first trade that lifts the peak above the start", () => {
    const prices = new Float64Array(100).fill(100);
    const trade = (pnlPercentage: number, index: number) =>
      ({
        signal: { position: "long", priceOpen: 100, pendingAt: index * MINUTE_MS },
        timestamp: (index + 2) * MINUTE_MS,
        pnl: { pnlPercentage },
      }) as unknown as IStrategyTickResultClosed;
    const costs = { feePercent: 0, slippagePercent: 0 };
    const drawdown = new MarkedDrawdown(prices, 0, costs);
    prepareForOptimization(drawdown.add);
    // Losing trades only: the peak stays at the start, 1.
    for (let index = 0; index < 3; index++) drawdown.add(trade(-1, index * 3));
    optimizeOnNextCall(drawdown.add);
    drawdown.add(trade(-1, 9));
    expect(isOptimized(drawdown.add)).toBe(true);
    drawdown.add(trade(10, 12));
    expect(isOptimized(drawdown.add)).toBe(true);
    expect(drawdown.percent()).toBeCloseTo((1 - 0.99 ** 4) * 100, 10);
  });
});
