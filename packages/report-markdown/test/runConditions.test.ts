import { computeStatistics, DEFAULT_CONFIG, mergeConfig } from "@bt/core";
import {
  renderBacktestReport,
  renderLiveReport,
  renderRunConditions,
  renderWalkerReport,
} from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedSeries, T0 } from "../../core/test/closedFactory";
import { idleEvent } from "../../core/test/tickFactory";

const config = mergeConfig(DEFAULT_CONFIG, {
  CC_PERCENT_FEE: 0.075,
  CC_PERCENT_SLIPPAGE: 0.02,
  CC_AVG_PRICE_CANDLES_COUNT: 3,
});
const expected =
  "**Run conditions:** fee 0.075% per side, slippage 0.02% per side, price = VWAP of the last 3 closed 1m candles. Every return below includes these costs.";

describe("renderRunConditions", () => {
  it("states fee, slippage and price model in one block", () => {
    expect(renderRunConditions(config)).toBe(expected);
    expect(renderRunConditions(DEFAULT_CONFIG)).toContain("fee 0.1% per side, slippage 0.1% per side");
  });

  it("prints under the title of the backtest, live and walker reports when a config is given", () => {
    expect(
      renderBacktestReport(closedSeries([1]), { config, title: "Run" }).startsWith(`# Run\n\n${expected}\n`),
    ).toBe(true);
    expect(renderLiveReport([idleEvent(T0)], { config }).startsWith(`# Live report\n\n${expected}\n`)).toBe(
      true,
    );
    const walker = renderWalkerReport({
      metric: "totalPnl",
      walkerName: "w",
      config,
      entries: [{ strategyName: "a", stats: computeStatistics(closedSeries([1])) }],
    });
    expect(walker.startsWith(`# Walker report: w\n\n${expected}\n`)).toBe(true);
    expect(renderBacktestReport(closedSeries([1]))).not.toContain("Run conditions");
  });
});
