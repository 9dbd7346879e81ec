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
      // The model's entry (fills[0].price), not priceOpen: in live priceOpen is the broker's fill, slippage
      // included, and a decision measured from it would differ from the backtest's.
      const entry = signal.fills[0]?.price ?? signal.priceOpen;
      const gain = signal.position === "long" ? currentPrice / entry - 1 : 1 - currentPrice / entry;
      if (gain >= 0.008) {
        await commitPartialProfit(symbol, 50);
        await commitTrailingStop(symbol, 50);
      }
    },
  },
};

export default strategy;
