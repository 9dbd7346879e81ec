// test/myExchange.contract.test.ts, with @bt/exchange-file on the bundled sample as the exchange under test.
import { fileURLToPath } from "node:url";
import { createFileExchange } from "@bt/exchange-file";
import { describeExchangeContract } from "@bt/exchange-testkit";

describeExchangeContract({
  name: "file",
  create: () => createFileExchange({ dir: fileURLToPath(new URL("../data", import.meta.url)) }),
  symbols: ["BTCUSDT", "ETHUSDT"],
  dataStartMs: Date.UTC(2025, 0, 1),
  dataEndMs: Date.UTC(2025, 1, 1),
});
