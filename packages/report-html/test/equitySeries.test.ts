import { describe, expect, it } from "vitest";
import { equitySeries } from "../src/equitySeries";

describe("equitySeries", () => {
  it("measures drawdown in percent from the running peak and keeps the last point of each second", () => {
    const series = equitySeries(
      [
        { timeMs: 0, equity: 100 },
        { timeMs: 1000, equity: 120 },
        { timeMs: 2000, equity: 90 },
        { timeMs: 2500, equity: 96 },
        { timeMs: 3000, equity: 130 },
      ],
      "equity",
    );
    expect(series.equity).toEqual([
      { time: 0, value: 100 },
      { time: 1, value: 120 },
      { time: 2, value: 96 },
      { time: 3, value: 130 },
    ]);
    expect(series.drawdown.map((point) => point.value)).toEqual([0, 0, -20, 0]);
    expect(series.maxDrawdownPercent).toBe(25);
  });
});
