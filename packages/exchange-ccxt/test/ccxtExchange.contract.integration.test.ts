import { createCcxtExchange } from "@bt/exchange-ccxt";
import { describeExchangeContract } from "@bt/exchange-testkit";
import { afterAll, beforeAll } from "vitest";
import { type BinanceServer, localBinanceOptions, startBinanceServer } from "./binanceServer";

// The shared exchange contract through real ccxt against the local Binance server (10,000 1m candles).
// The series' end plays "now": the adapter drops a still-forming candle by its clock, as on a live venue.
const SERIES_START = Date.UTC(2024, 0, 1);
const SERIES_MINUTES = 10_000;
let server: BinanceServer;
let exchange: ReturnType<typeof createCcxtExchange>;

beforeAll(async () => {
  server = await startBinanceServer({ seriesStartMs: SERIES_START, seriesMinutes: SERIES_MINUTES });
  const ccxt = await import("ccxt");
  const urls = new ccxt.binance().urls.api as unknown as Record<string, string>;
  exchange = createCcxtExchange({
    exchangeId: "binance",
    options: { ...localBinanceOptions(server.origin, urls), enableRateLimit: false },
    backoffMs: 1,
    now: () => SERIES_START + SERIES_MINUTES * 60_000,
  });
});
afterAll(() => server.close());

describeExchangeContract({
  name: "ccxt (binance, local server)",
  create: () => exchange,
  symbols: ["BTCUSDT"],
  dataStartMs: SERIES_START,
  dataEndMs: SERIES_START + SERIES_MINUTES * 60_000,
  numRuns: 25,
  maxLimit: 1_500,
});
