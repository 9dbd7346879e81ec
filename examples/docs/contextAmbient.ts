import { getExecutionContext, runInContext } from "@bt/context";

const somethingAsync = () => new Promise((resolve) => setTimeout(resolve, 10));

await runInContext(
  { symbol: "BTCUSDT", when: new Date("2025-01-01T00:15:00Z"), backtest: true },
  { strategyName: "sma", exchangeName: "binance", frameName: "jan" },
  async () => {
    await somethingAsync();
    const [later] = await Promise.all([Promise.resolve().then(() => getExecutionContext().when)]);
    console.log(getExecutionContext().when.toISOString(), later.toISOString()); // still 00:15 after awaits
  },
);
