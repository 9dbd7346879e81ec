import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCcxtExchange } from "@bt/exchange-ccxt";
import { withCandleCache } from "@bt/exchange-file";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BinanceServer, localBinanceOptions, startBinanceServer } from "./binanceServer";

const SERIES_START = Date.UTC(2024, 0, 1);

let server: BinanceServer;
let binanceApiUrls: Record<string, string>;
let cacheDir: string;

beforeAll(async () => {
  server = await startBinanceServer({ seriesStartMs: SERIES_START, seriesMinutes: 5 * 1440 });
  const ccxt = await import("ccxt");
  binanceApiUrls = new ccxt.binance().urls.api as unknown as Record<string, string>;
  cacheDir = await mkdtemp(join(tmpdir(), "bt-ccxt-cache-"));
});
afterAll(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** A fresh ccxt exchange behind a fresh cache wrapper, as a new process would build it. */
function cachedExchange() {
  const exchange = createCcxtExchange({
    exchangeId: "binance",
    options: { ...localBinanceOptions(server.origin, binanceApiUrls), enableRateLimit: false },
    backoffMs: 1,
  });
  return withCandleCache(exchange, { dir: cacheDir });
}

describe("@bt/exchange-file withCandleCache over the ccxt exchange", () => {
  it("serves a second identical run from disk with zero requests to the server", async () => {
    const since = new Date(SERIES_START + 30 * 60_000);
    const first = await cachedExchange().getCandles("BTCUSDT", "1m", since, 3 * 1440);
    expect(first).toHaveLength(3 * 1440);
    expect(first[0]?.timestamp).toBe(since.getTime());
    expect(server.count("/api/v3/klines")).toBeGreaterThan(0);

    server.reset();
    const second = await cachedExchange().getCandles("BTCUSDT", "1m", since, 3 * 1440);
    expect(second).toEqual(first);
    expect(server.requests).toHaveLength(0);
  });
});
