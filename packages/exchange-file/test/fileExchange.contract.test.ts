import { createFileExchange } from "@bt/exchange-file";
import { describeExchangeContract } from "@bt/exchange-testkit";
import { SAMPLE_DATA } from "./testFiles";

// The shared exchange contract on the bundled sample data (Jan 2025, 1m).
describeExchangeContract({
  name: "file",
  create: () => exchange,
  symbols: ["BTCUSDT", "ETHUSDT"],
  dataStartMs: Date.UTC(2025, 0, 1),
  dataEndMs: Date.UTC(2025, 1, 1),
  numRuns: 150,
});
const exchange = createFileExchange({ dir: SAMPLE_DATA });
