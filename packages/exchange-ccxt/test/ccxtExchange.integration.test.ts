import { BtError, type ICandleData } from "@bt/core";
import { createCcxtExchange } from "@bt/exchange-ccxt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type BinanceServer,
  localBinanceOptions,
  type SeriesCandle,
  startBinanceServer,
} from "./binanceServer";

const MINUTE_MS = 60_000;
const SERIES_START = Date.UTC(2024, 0, 1);
const SERIES_MINUTES = 10_000;

let server: BinanceServer;
let binanceApiUrls: Record<string, string>;

beforeAll(async () => {
  server = await startBinanceServer({ seriesStartMs: SERIES_START, seriesMinutes: SERIES_MINUTES });
  const ccxt = await import("ccxt");
  binanceApiUrls = new ccxt.binance().urls.api as unknown as Record<string, string>;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function localExchange(overrides: { retries?: number; pageLimit?: number; now?: () => number } = {}) {
  return createCcxtExchange({
    exchangeId: "binance",
    options: { ...localBinanceOptions(server.origin, binanceApiUrls), enableRateLimit: false },
    backoffMs: 1,
    ...overrides,
  });
}

function expected(candles: SeriesCandle[]): ICandleData[] {
  return candles.map(({ openTime, open, high, low, close, volume }) => ({
    timestamp: openTime,
    open,
    high,
    low,
    close,
    volume,
  }));
}

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

describe("createCcxtExchange against a local Binance", () => {
  it("points every Binance URL at 127.0.0.1", () => {
    const options = localBinanceOptions(server.origin, binanceApiUrls) as {
      urls: { api: Record<string, string> };
    };
    for (const url of Object.values(options.urls.api)) expect(url.startsWith(server.origin)).toBe(true);
    expect(Object.keys(options.urls.api)).toEqual(expect.arrayContaining(["public", "private", "sapi"]));
  });

  it("paginates 5,000 one-minute candles over five 1,000-candle requests", async () => {
    const exchange = localExchange();
    const candles = await exchange.getCandles("BTCUSDT", "1m", new Date(SERIES_START), 5000);
    expect(candles).toEqual(expected(server.series("BTCUSDT").slice(0, 5000)));
    const klines = server.requests.filter((request) => request.path === "/api/v3/klines");
    expect(klines.map((request) => Number(request.params.startTime))).toEqual(
      [0, 1000, 2000, 3000, 4000].map((offset) => SERIES_START + offset * MINUTE_MS),
    );
    expect(klines.every((request) => request.params.limit === "1000")).toBe(true);
  });

  it("respects a smaller pageLimit and never returns more than limit", async () => {
    const exchange = localExchange({ pageLimit: 300 });
    const candles = await exchange.getCandles("ETHUSDT", "1m", new Date(SERIES_START + 7 * MINUTE_MS), 1000);
    expect(candles).toEqual(expected(server.series("ETHUSDT").slice(7, 1007)));
    expect(
      server.requests.filter((request) => request.path === "/api/v3/klines").map((r) => r.params.limit),
    ).toEqual(["300", "300", "300", "100"]);
  });

  it("starts at the first candle at or after an unaligned since", async () => {
    const exchange = localExchange();
    const candles = await exchange.getCandles("BTCUSDT", "1m", new Date(SERIES_START + 90_500), 3);
    expect(candles.map((candle) => candle.timestamp)).toEqual(
      [2, 3, 4].map((m) => SERIES_START + m * MINUTE_MS),
    );
  });

  it("stops after a short page at the end of the data", async () => {
    const exchange = localExchange();
    const since = new Date(SERIES_START + (SERIES_MINUTES - 400) * MINUTE_MS);
    const candles = await exchange.getCandles("BTCUSDT", "1m", since, 3000);
    expect(candles).toEqual(expected(server.series("BTCUSDT").slice(SERIES_MINUTES - 400)));
    expect(server.count("/api/v3/klines")).toBe(1);
  });

  it("orders and deduplicates an unordered page with repeated candles", async () => {
    const rows = server.series("BTCUSDT").slice(0, 3);
    const row = (index: number) => {
      const candle = rows[index];
      if (candle === undefined) throw new Error("series too short");
      return [
        candle.openTime,
        `${candle.open}`,
        `${candle.high}`,
        `${candle.low}`,
        `${candle.close}`,
        `${candle.volume}`,
      ];
    };
    server.inject("GET", "/api/v3/klines", { status: 200, body: [row(1), row(0), row(1), row(2), row(0)] });
    const candles = await localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10);
    expect(candles).toEqual(expected(rows));
  });

  it("serves higher intervals as the venue aggregates them", async () => {
    const exchange = localExchange();
    const candles = await exchange.getCandles("BTCUSDT", "1h", new Date(SERIES_START), 24);
    const series = server.series("BTCUSDT");
    expect(candles).toHaveLength(24);
    const firstHour = series.slice(0, 60);
    expect(candles[0]).toEqual({
      timestamp: SERIES_START,
      open: firstHour[0]?.open,
      high: Math.max(...firstHour.map((candle) => candle.high)),
      low: Math.min(...firstHour.map((candle) => candle.low)),
      close: firstHour[59]?.close,
      volume: expect.closeTo(
        firstHour.reduce((sum, candle) => sum + candle.volume, 0),
        4,
      ),
    });
    expect(candles[23]?.timestamp).toBe(SERIES_START + 23 * 60 * MINUTE_MS);
  });

  it("drops the still-forming candle according to the clock", async () => {
    const exchange = localExchange({ now: () => SERIES_START + 100.5 * MINUTE_MS });
    const candles = await exchange.getCandles("BTCUSDT", "1m", new Date(SERIES_START), 1000);
    expect(candles).toHaveLength(100);
    expect(candles[99]?.timestamp).toBe(SERIES_START + 99 * MINUTE_MS);
  });

  it("retries a 429 and then succeeds", async () => {
    server.inject("GET", "/api/v3/klines", { status: 429, body: { code: -1003, msg: "Too many requests." } });
    const candles = await localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10);
    expect(candles).toEqual(expected(server.series("BTCUSDT").slice(0, 10)));
    expect(server.count("/api/v3/klines")).toBe(2);
  });

  it("retries a 500 and then succeeds", async () => {
    server.inject("GET", "/api/v3/klines", { status: 500, body: "Internal Server Error" });
    const candles = await localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10);
    expect(candles).toEqual(expected(server.series("BTCUSDT").slice(0, 10)));
    expect(server.count("/api/v3/klines")).toBe(2);
  });

  it("gives up after the configured retries with a retryable EXCHANGE error", async () => {
    const failure = { status: 503, body: "Service Unavailable" };
    server.inject("GET", "/api/v3/klines", failure, failure, failure);
    const error = await rejection(
      localExchange({ retries: 2 }).getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10),
    );
    expect(error.code).toBe("EXCHANGE");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("ccxt:binance");
    expect(server.count("/api/v3/klines")).toBe(3);
  });

  it("does not retry a non-transient error", async () => {
    server.inject("GET", "/api/v3/klines", { status: 400, body: { code: -1121, msg: "Invalid symbol." } });
    const error = await rejection(localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10));
    expect(error.code).toBe("EXCHANGE");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("BadSymbol");
    expect(server.count("/api/v3/klines")).toBe(1);
  });

  it("retries loading markets after a failure instead of caching it", async () => {
    server.inject("GET", "/api/v3/exchangeInfo", { status: 502, body: "Bad Gateway" });
    const candles = await localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 2);
    expect(candles).toHaveLength(2);
    expect(server.count("/api/v3/exchangeInfo")).toBe(2);
  });

  const malformed: Array<[string, (row: unknown[]) => unknown[], RegExp]> = [
    [
      "a NaN close",
      (row) => [row[0], row[1], row[2], row[3], "NaN", ...row.slice(5)],
      /close must be a finite positive/,
    ],
    ["a null open", (row) => [row[0], null, ...row.slice(2)], /open must be a finite positive/],
    [
      "a negative low",
      (row) => [row[0], row[1], row[2], "-1.00000000", ...row.slice(4)],
      /low must be a finite positive/,
    ],
    ["a zero high", (row) => [row[0], row[1], "0", ...row.slice(3)], /high must be a finite positive/],
    [
      "high below low",
      (row) => [row[0], row[1], "1.00000000", "2.00000000", ...row.slice(4)],
      /high 1 is below low 2/,
    ],
    ["an unaligned timestamp", (row) => [Number(row[0]) + 1, ...row.slice(1)], /not aligned/],
  ];
  it.each(malformed)("rejects a row with %s, naming symbol and time", async (_label, rewrite, problem) => {
    const badTime = SERIES_START + 3 * MINUTE_MS;
    server.corruptKlines("BTCUSDT", (row) => (row[0] === badTime ? rewrite(row) : row));
    const error = await rejection(localExchange().getCandles("BTCUSDT", "1m", new Date(SERIES_START), 10));
    expect(error.code).toBe("EXCHANGE");
    expect(error.message).toMatch(problem);
    expect(error.message).toContain("BTCUSDT");
    expect(error.message).toContain("2024-01-01T00:03:00");
    expect(server.count("/api/v3/klines")).toBe(1);
  });

  it("formats price and quantity with the market precision, loading markets once", async () => {
    const exchange = localExchange();
    expect(await exchange.formatPrice("BTCUSDT", 42123.456789)).toBe("42123.46");
    expect(await exchange.formatQuantity("BTCUSDT", 0.123456789)).toBe("0.12345");
    expect(await exchange.formatPrice("BTC/USDT", 42123.454)).toBe("42123.45");
    expect(await exchange.formatQuantity("ETH/USDT", 1.23456)).toBe("1.2345");
    expect(await exchange.formatPrice("DOGEUSDT", 0.0912345)).toBe("0.09123");
    expect(await exchange.formatQuantity("DOGEUSDT", 123.9)).toBe("123");
    expect(server.count("/api/v3/exchangeInfo")).toBe(1);
  });

  it("rejects a quantity below the lot step with an EXCHANGE error", async () => {
    const error = await rejection(localExchange().formatQuantity("BTCUSDT", 0.000001));
    expect(error.code).toBe("EXCHANGE");
    expect(error.field).toBe("quantity");
  });

  it("maps unified symbols and market ids to the same market, and rejects unknown ones", async () => {
    const exchange = localExchange();
    const byId = await exchange.getCandles("ETHUSDT", "1m", new Date(SERIES_START), 5);
    const bySymbol = await exchange.getCandles("ETH/USDT", "1m", new Date(SERIES_START), 5);
    expect(bySymbol).toEqual(byId);
    expect(server.requests.filter((r) => r.path === "/api/v3/klines").map((r) => r.params.symbol)).toEqual([
      "ETHUSDT",
      "ETHUSDT",
    ]);
    const error = await rejection(exchange.getCandles("XRPUSDT", "1m", new Date(SERIES_START), 5));
    expect(error.code).toBe("EXCHANGE");
    expect(error.message).toContain('unknown symbol "XRPUSDT"');
    expect(server.count("/api/v3/klines")).toBe(2);
  });

  it("returns nothing for limit 0 without a request and validates arguments", async () => {
    const exchange = localExchange();
    expect(await exchange.getCandles("BTCUSDT", "1m", new Date(SERIES_START), 0)).toEqual([]);
    expect(server.requests).toHaveLength(0);
    expect((await rejection(exchange.getCandles("BTCUSDT", "1m", new Date(Number.NaN), 5))).code).toBe(
      "VALIDATION",
    );
    expect((await rejection(exchange.getCandles("BTCUSDT", "1m", new Date(SERIES_START), 2.5))).code).toBe(
      "VALIDATION",
    );
  });
});
