import { DEFAULT_CONFIG, NO_SIGNAL, transition } from "@bt/core";
import { expect, it } from "vitest";

// The README example, verbatim apart from the assertions: keeps the documented results true.
it("the README example produces what its comments say", () => {
  const origin = { symbol: "BTCUSDT", strategyName: "demo", exchangeName: "file", backtest: true };
  const at = (minute: number, price: number) => ({
    origin,
    currentPrice: price,
    now: Date.UTC(2025, 0, 1) + minute * 60_000,
    config: DEFAULT_CONFIG,
  });

  const signal = {
    position: "long",
    priceTakeProfit: 102,
    priceStopLoss: 98,
    minuteEstimatedTime: 60,
  } as const;
  const opened = transition(NO_SIGNAL, { type: "signal", signal, id: "sig-1" }, at(0, 100));
  expect(opened.result.action).toBe("opened");
  if (opened.result.action === "opened") expect(opened.result.signal.priceOpen).toBe(100);

  const closed = transition(opened.state, { type: "tick" }, at(1, 102.4));
  expect(closed.result.action).toBe("closed");
  if (closed.result.action !== "closed") return;
  expect(closed.result.closeReason).toBe("take_profit");
  expect(closed.result.pnl.priceClose).toBe(102);
  // (101.898 − 100.1)/100.1·100 − 0.1·(1 + 101.898/100.1), see pnl.test.ts
  expect(closed.result.pnl.pnlPercentage).toBeCloseTo(1.5944075924075924, 10);
});
