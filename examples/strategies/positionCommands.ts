// Position commands from strategy code: a per-minute callback on the open position takes half off at
// +0.8 % and then tightens the stop to half its original distance. The same calls work in live.
// Run: bt backtest examples/strategies/positionCommands.ts
import type { IStrategySchema } from "@bt/core";
import { commitPartialProfit, commitTrailingStop } from "@bt/engine";
import { smaCrossover } from "./smaCrossover";

const strategy: IStrategySchema = {
  ...smaCrossover({ takeProfitPercent: 2, stopLossPercent: 1 }, "sma-commands"),
  callbacks: {
    // Every minute the position is open (this makes the backtest step minute by minute).
    async onActive(symbol, signal, currentPrice) {
      if (signal.fills.some((fill) => fill.kind === "exit")) return;
      const gain =
        signal.position === "long"
          ? currentPrice / signal.priceOpen - 1
          : 1 - currentPrice / signal.priceOpen;
      if (gain >= 0.008) {
        await commitPartialProfit(symbol, 50);
        await commitTrailingStop(symbol, 50);
      }
    },
  },
};

export default strategy;
