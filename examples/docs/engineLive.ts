import { createPaperBroker, Live, listenDoneLive, listenSignalLive } from "@bt/engine";
import { createFsPersist } from "@bt/persist-fs";
import { clock, stopAt } from "./liveSetup.ts"; // the exchange "binance", the strategy, a replay clock

const persist = createFsPersist({ dir: "./dump/live" });
listenSignalLive((result) => {
  if (result.action === "closed") console.log(result.closeReason, result.pnl.pnlPercentage.toFixed(2));
});
listenDoneLive(() => console.log("live run stopped at stopAt"));
// Returns stop(): `await stop()` ends the run after its in-flight tick; open positions stay persisted.
Live.background(
  "BTCUSDT",
  { strategyName: "sma-crossover", exchangeName: "binance" },
  {
    persist, // restores the open / scheduled signal of the previous process before the first tick
    broker: createPaperBroker({ persist }), // the default: a paper broker on the same adapter
    clock, // the wall clock by default; stopAt: none by default
    stopAt,
  },
);
