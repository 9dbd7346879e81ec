// The @bt/optimizer README's example, offline: a local fake model (@bt/llm-testkit) answers with a canned
// idea where a real setup runs `ollama serve` (host http://127.0.0.1:11434) or an OpenAI-compatible server.
import { createFileExchange } from "@bt/exchange-file";
import { startLlmServer } from "@bt/llm-testkit";
import { addOptimizer, createCandleSummarySource, Optimizer } from "@bt/optimizer";

const idea = `\`\`\`ts
{
  interval: "15m",
  warmupCandles: 21,
  getSignal: async (symbol) => {
    const candles = await getCandles(symbol, "15m", 21);
    if (candles.length < 21) return null;
    const high = Math.max(...candles.slice(0, -1).map((candle) => candle.high));
    const price = await getAveragePrice(symbol);
    return price > high
      ? { position: "long", priceTakeProfit: price * 1.01, priceStopLoss: price * 0.995, minuteEstimatedTime: 240 }
      : null;
  },
}
\`\`\``;
const llm = await startLlmServer({ answers: [idea, idea] });
const exchange = createFileExchange({ dir: "examples/data" });
const summary = createCandleSummarySource({ exchange, intervals: ["15m", "1h", "4h"] });

// #region readme
addOptimizer({
  optimizerName: "jan",
  rangeTrain: [
    { note: "week 1", startDate: new Date("2025-01-02"), endDate: new Date("2025-01-09") },
    { note: "week 2", startDate: new Date("2025-01-09"), endDate: new Date("2025-01-16") },
  ],
  rangeTest: { startDate: new Date("2025-01-20"), endDate: new Date("2025-01-27") },
  source: [summary], // indicator summaries of each training range's 15m, 1h and 4h candles
  getPrompt: (symbol, _messages, range) => `One ${symbol} strategy idea for a market like ${range.note}.`,
});
const provider = { kind: "ollama", host: llm.ollamaHost, model: "qwen2.5-coder:7b", seed: 7 } as const;
const { strategies } = await Optimizer.dump("BTCUSDT", "jan", { provider, out: "dump/jan.walker.ts" });
console.log(strategies.map((strategy) => strategy.strategyName).join(", ")); // then: bt walker dump/jan.walker.ts
// #endregion readme

await llm.close();
