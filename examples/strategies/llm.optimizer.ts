// An optimizer file for `bt generate`: asks a model for one strategy idea for each of two training
// weeks of the bundled BTCUSDT sample data (a candle summary on 15m, 1h and 4h), and compares the ideas
// on the second half of January. Run it with a local ollama server:
//   bt generate examples/strategies/llm.optimizer.ts --model qwen2.5-coder:7b
//   bt walker llm-jan.generated.ts --symbol BTCUSDT

import { fileURLToPath } from "node:url";
import { createFileExchange } from "@bt/exchange-file";
import { createCandleSummarySource, type IOptimizerSchema } from "@bt/optimizer";

const exchange = createFileExchange({
  dir: fileURLToPath(new URL("../data", import.meta.url)),
  exchangeName: "sample",
});

const optimizer: IOptimizerSchema = {
  optimizerName: "llm-jan",
  rangeTrain: [
    { note: "first week", startDate: new Date("2025-01-02T00:00Z"), endDate: new Date("2025-01-09T00:00Z") },
    { note: "second week", startDate: new Date("2025-01-09T00:00Z"), endDate: new Date("2025-01-16T00:00Z") },
  ],
  rangeTest: {
    note: "second half",
    startDate: new Date("2025-01-16T00:00Z"),
    endDate: new Date("2025-01-31T00:00Z"),
  },
  source: [createCandleSummarySource({ exchange, intervals: ["15m", "1h", "4h"] })],
  getPrompt: (symbol, _messages, range) =>
    `Propose ONE ${symbol} strategy that would have traded the ${range.note ?? "training"} range above well and may generalise. Follow the answer contract.`,
  metric: "sharpeRatio",
};

export default optimizer;
