import { BtError, clientOrderId, type ISignalRow } from "@bt/core";
import { type CcxtBrokerSettings, createCcxtBroker } from "@bt/exchange-ccxt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BinanceServer, localBinanceOptions, startBinanceServer } from "./binanceServer";

const FAKE_KEYS = { apiKey: "test-api-key-not-real", secret: "test-secret-not-real" };

let server: BinanceServer;
let binanceApiUrls: Record<string, string>;
let lastBtcClose: number;

beforeAll(async () => {
  server = await startBinanceServer({ seriesMinutes: 2_000 });
  const ccxt = await import("ccxt");
  binanceApiUrls = new ccxt.binance().urls.api as unknown as Record<string, string>;
  const series = server.series("BTCUSDT");
  lastBtcClose = series[series.length - 1]?.close ?? Number.NaN;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function localBroker(
  overrides: Partial<CcxtBrokerSettings> = {},
  keys: { apiKey?: string; secret?: string } = FAKE_KEYS,
) {
  return createCcxtBroker({
    exchangeId: "binance",
    options: { ...localBinanceOptions(server.origin, binanceApiUrls, keys), enableRateLimit: false },
    backoffMs: 1,
    ...overrides,
  });
}

function signal(overrides: Partial<ISignalRow> = {}): ISignalRow {
  return {
    kind: "pending",
    id: "sig-0001",
    symbol: "BTCUSDT",
    strategyName: "test-strategy",
    exchangeName: "binance",
    position: "long",
    priceOpen: 42_000,
    priceTakeProfit: 43_000,
    priceStopLoss: 41_000,
    minuteEstimatedTime: 60,
    note: "",
    cost: null,
    quantity: 0.01,
    scheduledAt: Date.UTC(2024, 0, 2),
    pendingAt: Date.UTC(2024, 0, 2),
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!BtError.isInstance(error)) throw new Error(`expected a BtError, got ${String(error)}`);
  return error;
}

const placed = () =>
  server.requests.filter((request) => request.method === "POST" && request.path === "/api/v3/order");

describe("createCcxtBroker against a local Binance", () => {
  it("opens a long with a market buy carrying the signal's client order id", async () => {
    const broker = localBroker();
    expect(broker.name).toBe("ccxt:binance");
    expect(broker.specVersion).toBe(1);
    const fill = await broker.openPosition(signal(), 42_000);
    expect(placed()).toHaveLength(1);
    expect(placed()[0]?.params).toMatchObject({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.01",
      newClientOrderId: clientOrderId("sig-0001", "open"),
    });
    expect(server.orders).toHaveLength(1);
    expect(fill).toMatchObject({
      orderId: String(server.orders[0]?.orderId),
      clientOrderId: clientOrderId("sig-0001", "open"),
      quantity: 0.01,
    });
    expect(fill.price).toBeCloseTo(lastBtcClose, 6);
    expect(fill.filledAt).toBe(server.orders[0]?.time);
  });

  it("returns the same fill when the same signal is opened twice, placing one order", async () => {
    const broker = localBroker();
    const first = await broker.openPosition(signal(), 42_000);
    const second = await broker.openPosition(signal(), 42_000);
    expect(second).toEqual({ ...first, feeQuote: second.feeQuote });
    expect(second.orderId).toBe(first.orderId);
    expect(server.orders).toHaveLength(1);
    expect(placed()).toHaveLength(1);
  });

  it("survives a restart: a new broker instance finds the order instead of placing it again", async () => {
    const first = await localBroker().openPosition(signal({ id: "sig-restart" }), 42_000);
    const afterRestart = await localBroker().openPosition(signal({ id: "sig-restart" }), 42_000);
    expect(afterRestart.orderId).toBe(first.orderId);
    expect(server.orders).toHaveLength(1);
  });

  it("answers a duplicate-order rejection by fetching the existing order", async () => {
    const broker = localBroker();
    const first = await broker.openPosition(signal({ id: "sig-dup" }), 42_000);
    // A stale lookup (the venue has not indexed the order yet) makes the broker try to place it again.
    server.inject("GET", "/api/v3/order", {
      status: 400,
      body: { code: -2013, msg: "Order does not exist." },
    });
    const second = await broker.openPosition(signal({ id: "sig-dup" }), 42_000);
    expect(second.orderId).toBe(first.orderId);
    expect(placed()).toHaveLength(2);
    expect(server.orders).toHaveLength(1);
  });

  it("recovers when the order was accepted but the response was lost", async () => {
    server.inject("POST", "/api/v3/order", { status: 502, body: "Bad Gateway", afterHandling: true });
    const fill = await localBroker().openPosition(signal({ id: "sig-lost" }), 42_000);
    expect(server.orders).toHaveLength(1);
    expect(placed()).toHaveLength(1);
    expect(fill.orderId).toBe(String(server.orders[0]?.orderId));
  });

  it("reports an unknown outcome as retryable and places nothing twice", async () => {
    const failure = { status: 500, body: "Internal Server Error" };
    server.inject("POST", "/api/v3/order", failure, failure, failure);
    const broker = localBroker({ retries: 2 });
    const error = await rejection(broker.openPosition(signal({ id: "sig-5xx" }), 42_000));
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("outcome unknown");
    expect(placed()).toHaveLength(3);
    expect(server.orders).toHaveLength(0);
    // The engine retries later with the same signal: exactly one order results.
    await broker.openPosition(signal({ id: "sig-5xx" }), 42_000);
    expect(server.orders).toHaveLength(1);
  });

  it("does not retry a rejection such as insufficient funds", async () => {
    const error = await rejection(
      localBroker().openPosition(signal({ id: "sig-big", quantity: 1_000 }), 42_000),
    );
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("InsufficientFunds");
    expect(placed()).toHaveLength(1);
    expect(server.orders).toHaveLength(0);
  });

  it("reports missing credentials as a non-retryable error", async () => {
    const error = await rejection(localBroker({}, {}).openPosition(signal({ id: "sig-nokeys" }), 42_000));
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("AuthenticationError");
    expect(server.orders).toHaveLength(0);
  });

  it("closes a long with a sell of the quantity the open filled", async () => {
    const broker = localBroker();
    const open = await broker.openPosition(signal({ id: "sig-close", quantity: 0.02 }), 42_000);
    const close = await broker.closePosition(
      signal({ id: "sig-close", quantity: 0.02 }),
      43_000,
      "take_profit",
    );
    expect(placed().map((request) => request.params.side)).toEqual(["BUY", "SELL"]);
    expect(placed()[1]?.params).toMatchObject({
      quantity: "0.02",
      newClientOrderId: clientOrderId("sig-close", "close"),
    });
    expect(close.clientOrderId).toBe(clientOrderId("sig-close", "close"));
    expect(close.orderId).not.toBe(open.orderId);
    expect(close.quantity).toBe(open.quantity);
    // Selling on Binance pays the commission in the quote asset, reported as feeQuote.
    expect(close.feeQuote).toBeCloseTo(0.02 * lastBtcClose * 0.001, 6);
    // Closing again is idempotent too.
    const again = await broker.closePosition(
      signal({ id: "sig-close", quantity: 0.02 }),
      43_000,
      "take_profit",
    );
    expect(again.orderId).toBe(close.orderId);
    expect(server.orders).toHaveLength(2);
  });

  it("opens a short with a sell and closes it with a buy", async () => {
    const broker = localBroker();
    const short = signal({
      id: "sig-short",
      position: "short",
      priceTakeProfit: 41_000,
      priceStopLoss: 43_000,
    });
    await broker.openPosition(short, 42_000);
    await broker.closePosition(short, 41_000, "take_profit");
    expect(placed().map((request) => request.params.side)).toEqual(["SELL", "BUY"]);
  });

  it("sizes an order from the signal's cost when it has no quantity", async () => {
    await localBroker().openPosition(signal({ id: "sig-cost", quantity: null, cost: 1_000 }), 40_000);
    // 1000 / 40000 = 0.025 BTC, truncated to the 0.00001 lot step.
    expect(placed()[0]?.params.quantity).toBe("0.025");
  });

  it("refuses a signal without quantity or cost before calling the venue", async () => {
    const error = await rejection(
      localBroker().openPosition(signal({ id: "sig-empty", quantity: null }), 42_000),
    );
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(false);
    expect(placed()).toHaveLength(0);
  });

  it("places a limit order at the given price", async () => {
    const fill = await localBroker({ orderType: "limit" }).openPosition(
      signal({ id: "sig-limit" }),
      41_234.567,
    );
    expect(placed()[0]?.params).toMatchObject({ type: "LIMIT", price: "41234.57", timeInForce: "GTC" });
    expect(fill.price).toBeCloseTo(41_234.57, 6);
  });

  it("leaves an unfilled limit order pending (retryable) and picks it up on the next call", async () => {
    server.setLimitFill("never");
    const broker = localBroker({ orderType: "limit", fillTimeoutMs: 30, pollIntervalMs: 10 });
    const error = await rejection(broker.openPosition(signal({ id: "sig-rest" }), 41_000));
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("not filled yet");
    const stored = server.orders[0];
    if (stored === undefined) throw new Error("the limit order was not recorded");
    // The venue fills it later; the retry must not place another order.
    Object.assign(stored, {
      status: "FILLED",
      executedQty: stored.origQty,
      cummulativeQuoteQty: "410.00000000",
    });
    const fill = await broker.openPosition(signal({ id: "sig-rest" }), 41_000);
    expect(fill.orderId).toBe(String(stored.orderId));
    expect(fill.price).toBeCloseTo(41_000, 6);
    expect(server.orders).toHaveLength(1);
  });
});
