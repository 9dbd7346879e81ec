import { BtError, clientOrderId, type ISignalRow, NO_RULES } from "@bt/core";
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
    entry: "market",
    rules: NO_RULES,
    fills: [{ kind: "entry", price: 42_000, cost: 1, at: Date.UTC(2024, 0, 2), source: "open" }],
    originalTakeProfit: 43_000,
    originalStopLoss: 41_000,
    bestPrice: 42_000,
    worstPrice: 42_000,
    trailingTakePeak: null,
    breakevenDone: false,
    ladderNext: 0,
    dcaNext: 0,
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
    expect(second).toEqual(first);
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
    // The buy paid 0.1 % commission in BTC (0.00002): the sell closes the 0.01998 actually held.
    expect(placed()[1]?.params).toMatchObject({
      quantity: "0.01998",
      newClientOrderId: clientOrderId("sig-close", "close"),
    });
    expect(close.clientOrderId).toBe(clientOrderId("sig-close", "close"));
    expect(close.orderId).not.toBe(open.orderId);
    expect(close.quantity).toBeCloseTo(open.quantity - 0.00002, 10);
    // Selling on Binance pays the commission in the quote asset, reported as feeQuote.
    expect(close.feeQuote).toBeCloseTo(0.01998 * lastBtcClose * 0.001, 6);
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

describe("createCcxtBroker records the venue's fill and checks it", () => {
  it("records the venue's average price, last trade time, amount and trade fees, not the requested price", async () => {
    server.setLimitFill("never");
    const broker = localBroker({ orderType: "limit", fillTimeoutMs: 30, pollIntervalMs: 10 });
    const rest = await rejection(broker.openPosition(signal({ id: "sig-venue" }), 41_000));
    expect(rest.retryable).toBe(true);
    // The venue fills the resting buy later, better than asked, at its own time.
    const filledAt = Date.UTC(2024, 0, 3, 12, 34, 56);
    server.fillOrder(clientOrderId("sig-venue", "open"), 40_950.5, filledAt);
    const fill = await broker.openPosition(signal({ id: "sig-venue" }), 41_000);
    expect(fill).toEqual({
      orderId: String(server.orders[0]?.orderId),
      clientOrderId: clientOrderId("sig-venue", "open"),
      price: 40_950.5,
      quantity: 0.01,
      filledAt,
      // The buy's 0.1 % commission is charged in BTC (0.00001 BTC), valued at the fill price.
      feeQuote: expect.closeTo(0.00001 * 40_950.5, 9),
    });
    expect(server.orders).toHaveLength(1);
  });

  it("refuses a fill implausibly far from the requested price (maxFillDeviationPercent)", async () => {
    const broker = localBroker({ maxFillDeviationPercent: 5 });
    const error = await rejection(broker.openPosition(signal({ id: "sig-far" }), lastBtcClose * 1.2));
    expect(error.code).toBe("BROKER");
    expect(error.field).toBe("price");
    expect(error.value).toBeCloseTo(lastBtcClose, 6);
    expect(error.message).toContain("from the requested");
    // The order may hold a position: retryable, so the position stays pending rather than dropped.
    expect(error.retryable).toBe(true);
    expect(server.orders).toHaveLength(1);
  });

  const garbage: Array<[string, string, (order: Record<string, unknown>) => Record<string, unknown>]> = [
    [
      "price",
      "a zero quote quantity",
      (order) => ({ ...order, cummulativeQuoteQty: "0.00000000", fills: [] }),
    ],
    ["price", "an infinite average price", (order) => ({ ...order, avgPrice: "1e400" })],
    ["price", "a negative average price", (order) => ({ ...order, avgPrice: "-42" })],
    ["quantity", "a negative filled amount", (order) => ({ ...order, executedQty: "-0.01" })],
    [
      "filledAt",
      "no time at all",
      (order) => {
        const { transactTime: _t, time: _time, updateTime: _u, workingTime: _w, ...rest } = order;
        return rest;
      },
    ],
  ];
  it.each(garbage)(
    "refuses %s when the venue answers %s: no fill is recorded",
    async (field, _what, rewrite) => {
      server.rewriteOrders(rewrite);
      const broker = localBroker({ retries: 0 });
      const error = await rejection(broker.openPosition(signal({ id: `sig-garbage-${field}` }), 42_000));
      expect(error.code).toBe("BROKER");
      expect(error.field).toBe(field);
      expect(error.message).toContain("not recorded");
      expect(server.orders).toHaveLength(1);
      // Once the venue answers sensibly again, the same order's fill is returned: nothing placed twice.
      server.rewriteOrders(undefined);
      const fill = await broker.openPosition(signal({ id: `sig-garbage-${field}` }), 42_000);
      expect(fill.price).toBeCloseTo(lastBtcClose, 6);
      expect(placed()).toHaveLength(1);
    },
  );

  // ccxt itself cannot parse these (it throws converting them): an unreadable answer, an unknown outcome.
  const unparseable: Array<[string, (order: Record<string, unknown>) => Record<string, unknown>]> = [
    ["a NaN filled amount", (order) => ({ ...order, executedQty: "NaN" })],
    ["a NaN quote quantity", (order) => ({ ...order, cummulativeQuoteQty: "NaN", fills: [] })],
  ];
  it.each(unparseable)("treats %s as an unknown outcome, never a fill", async (_what, rewrite) => {
    server.rewriteOrders(rewrite);
    const broker = localBroker({ retries: 0 });
    const error = await rejection(broker.openPosition(signal({ id: "sig-unreadable" }), 42_000));
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("outcome unknown");
    server.rewriteOrders(undefined);
    await broker.openPosition(signal({ id: "sig-unreadable" }), 42_000);
    expect(placed()).toHaveLength(1);
  });
});

describe("createCcxtBroker bounds every venue call in time", () => {
  const notFound = { status: 400, body: { code: -2013, msg: "Order does not exist." } };

  it("reports a venue that hangs after taking the order as TIMEOUT, then resolves it by client order id", async () => {
    // The first lookup answers (no such order), the order is taken but never answered, and the lookup
    // that follows hangs too.
    server.inject("GET", "/api/v3/order", notFound, { status: 0, body: null, hang: true });
    server.inject("POST", "/api/v3/order", { status: 0, body: null, hang: true, afterHandling: true });
    const broker = localBroker({ timeoutMs: 300, retries: 0 });
    const startedAt = performance.now();
    const error = await rejection(broker.openPosition(signal({ id: "sig-hang" }), 42_000));
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("outcome unknown");
    expect(server.orders).toHaveLength(1);
    // The engine asks again with the same signal: the order is found by its client id, not placed again.
    const fill = await broker.openPosition(signal({ id: "sig-hang" }), 42_000);
    expect(fill.orderId).toBe(String(server.orders[0]?.orderId));
    expect(fill.price).toBeCloseTo(lastBtcClose, 6);
    expect(placed()).toHaveLength(1);
    expect(server.orders).toHaveLength(1);
  }, 15_000);

  it("re-sends the same client order id when a hung order provably never reached the venue", async () => {
    server.inject("POST", "/api/v3/order", { status: 0, body: null, hang: true });
    const broker = localBroker({ timeoutMs: 300, retries: 0 });
    const error = await rejection(broker.openPosition(signal({ id: "sig-lost-hang" }), 42_000));
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(server.orders).toHaveLength(0);
    await broker.openPosition(signal({ id: "sig-lost-hang" }), 42_000);
    expect(placed().map((request) => request.params.newClientOrderId)).toEqual([
      clientOrderId("sig-lost-hang", "open"),
      clientOrderId("sig-lost-hang", "open"),
    ]);
    expect(server.orders).toHaveLength(1);
  }, 15_000);

  it("refuses a timeout or deviation setting that is not a finite positive number", () => {
    for (const [field, value] of [
      ["timeoutMs", 0],
      ["maxFillDeviationPercent", Number.NaN],
      ["positionLookbackMs", -1],
    ] as const) {
      let caught: unknown;
      try {
        localBroker({ [field]: value });
      } catch (error) {
        caught = error;
      }
      expect(BtError.isInstance(caught) && { code: caught.code, field: caught.field }).toEqual({
        code: "CONFIG",
        field,
      });
    }
  });

  it("keeps a definitive refusal a non-retryable BROKER error", async () => {
    const error = await rejection(
      localBroker({ timeoutMs: 300 }).openPosition(signal({ id: "sig-refused", quantity: 1_000 }), 42_000),
    );
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("InsufficientFunds");
  });
});

describe("createCcxtBroker orderState and openPositions", () => {
  it("reports filled, pending, cancelled (rejected) and unknown orders by client order id", async () => {
    const broker = localBroker({ fillTimeoutMs: 30, pollIntervalMs: 10 });
    const orderState = broker.orderState.bind(broker);
    const fill = await broker.openPosition(signal({ id: "sig-state-filled" }), 42_000);
    expect(await orderState(clientOrderId("sig-state-filled", "open"), "BTCUSDT")).toEqual({
      state: "filled",
      fill,
    });

    server.setLimitFill("never");
    const limit = localBroker({ orderType: "limit", fillTimeoutMs: 30, pollIntervalMs: 10 });
    await rejection(limit.openPosition(signal({ id: "sig-state-rest" }), 41_000));
    expect(await orderState(clientOrderId("sig-state-rest", "open"), "BTCUSDT")).toEqual({
      state: "pending",
    });

    await rejection(limit.openPosition(signal({ id: "sig-state-cancel" }), 41_000));
    const ccxt = await import("ccxt");
    const venue = new ccxt.binance({
      ...localBinanceOptions(server.origin, binanceApiUrls, FAKE_KEYS),
      enableRateLimit: false,
    });
    await venue.cancelOrder("", "BTC/USDT", { origClientOrderId: clientOrderId("sig-state-cancel", "open") });
    const cancelled = await orderState(clientOrderId("sig-state-cancel", "open"), "BTC/USDT");
    expect(cancelled.state).toBe("rejected");
    expect(cancelled.state === "rejected" && cancelled.reason).toContain("canceled");

    expect(await orderState(clientOrderId("sig-never-sent", "open"), "BTCUSDT")).toEqual({
      state: "unknown",
    });
  });

  it("reports a venue that hangs on the lookup as TIMEOUT, never as unknown", async () => {
    server.inject(
      "GET",
      "/api/v3/order",
      { status: 0, body: null, hang: true },
      { status: 0, body: null, hang: true },
    );
    const broker = localBroker({ timeoutMs: 200, retries: 1 });
    const error = await rejection(broker.orderState(clientOrderId("sig-state-hang", "open"), "BTCUSDT"));
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
  }, 15_000);

  it("lists the filled open legs without a close leg as the positions held", async () => {
    const broker = localBroker({ fillTimeoutMs: 30, pollIntervalMs: 10 });
    const held = await broker.openPosition(signal({ id: "sig-held" }), 42_000);
    const short = signal({
      id: "sig-done",
      position: "short",
      priceTakeProfit: 41_000,
      priceStopLoss: 43_000,
    });
    await broker.openPosition(short, 42_000);
    await broker.closePosition(short, 42_000, "take_profit");
    server.setLimitFill("never");
    // A resting (unfilled) open holds nothing yet.
    await rejection(
      localBroker({ orderType: "limit", fillTimeoutMs: 30, pollIntervalMs: 10 }).openPosition(
        signal({ id: "sig-resting" }),
        41_000,
      ),
    );
    const positions = await broker.openPositions("BTCUSDT");
    expect(positions).toEqual([
      { clientOrderId: clientOrderId("sig-held", "open"), symbol: "BTCUSDT", side: "buy", fill: held },
    ]);
    expect(server.count("/api/v3/allOrders", "GET")).toBe(1);
  });
});

describe("createCcxtBroker changePosition (added entries and partial closes)", () => {
  const at = Date.UTC(2024, 0, 2, 1);
  const addFill = (cost: number) =>
    ({ kind: "entry", price: 42_000, cost, at, source: "dca_ladder" }) as const;
  const exitFill = (fraction: number) =>
    ({ kind: "exit", price: 42_000, fraction, at, reason: "partial_profit" }) as const;
  /** A long of 0.02 BTC (840 USDT at 42 000) with the given fills after its open entry. */
  const dca = (id: string, ...changes: ISignalRow["fills"]) => {
    const base = signal({ id, quantity: 0.02, cost: 840 });
    return { ...base, fills: [{ ...base.fills[0], cost: 840 } as ISignalRow["fills"][number], ...changes] };
  };
  const addId = (id: string, index: number) => clientOrderId(id, { kind: "add", index });
  const reduceId = (id: string, index: number) => clientOrderId(id, { kind: "reduce", index });

  it("adds, reduces and closes a long: the close sells exactly what the orders hold", async () => {
    const broker = localBroker();
    await broker.openPosition(dca("sig-dca"), 42_000);
    const added = await broker.changePosition(
      dca("sig-dca", addFill(420)),
      { kind: "add", index: 1, cost: 420 },
      42_000,
    );
    const afterAdd = dca("sig-dca", addFill(420), exitFill(0.5));
    const reduced = await broker.changePosition(
      afterAdd,
      { kind: "reduce", index: 2, fraction: 0.5, reason: "partial_profit" },
      42_000,
    );
    // A change is not a position: one position held, its open leg's.
    expect((await broker.openPositions("BTCUSDT")).map((position) => position.clientOrderId)).toEqual([
      clientOrderId("sig-dca", "open"),
    ]);
    const closed = await broker.closePosition(afterAdd, 42_000, "take_profit");
    // Open 0.02 and add 420 / 42 000 = 0.01 BTC, each paying 0.1 % in BTC: 0.02997 held. The reduce sells
    // half of it, truncated to the 0.00001 step (0.01498); the close sells the rest (0.01499).
    expect(
      placed().map((request) => [
        request.params.side,
        request.params.quantity,
        request.params.newClientOrderId,
      ]),
    ).toEqual([
      ["BUY", "0.02", clientOrderId("sig-dca", "open")],
      ["BUY", "0.01", addId("sig-dca", 1)],
      ["SELL", "0.01498", reduceId("sig-dca", 2)],
      ["SELL", "0.01499", clientOrderId("sig-dca", "close")],
    ]);
    expect(added).toMatchObject({ clientOrderId: addId("sig-dca", 1), quantity: 0.01 });
    expect(added.price).toBeCloseTo(lastBtcClose, 6);
    expect(added.feeQuote).toBeCloseTo(0.00001 * lastBtcClose, 6);
    expect(added.filledAt).toBe(server.orders[1]?.time);
    expect(reduced).toMatchObject({ clientOrderId: reduceId("sig-dca", 2), quantity: 0.01498 });
    expect(reduced.feeQuote).toBeCloseTo(0.01498 * lastBtcClose * 0.001, 6);
    expect(closed.quantity).toBe(0.01499);
    // What the venue holds for the signal afterwards: bought less base commission, less sold.
    const net = server.trades.reduce(
      (sum, trade) =>
        sum + (trade.isBuyer ? Number(trade.qty) - Number(trade.commission) : -Number(trade.qty)),
      0,
    );
    expect(net).toBeCloseTo(0, 12);
    expect(await broker.openPositions("BTCUSDT")).toEqual([]);
    // orderState answers for the new legs too.
    expect(await broker.orderState(addId("sig-dca", 1), "BTCUSDT")).toEqual({ state: "filled", fill: added });
    expect(await broker.orderState(reduceId("sig-dca", 2), "BTCUSDT")).toEqual({
      state: "filled",
      fill: reduced,
    });
  });

  it("adds to and reduces a short with sells and buys, closing the rest", async () => {
    const broker = localBroker();
    const short = (...changes: ISignalRow["fills"]) => ({
      ...dca("sig-dca-short", ...changes),
      position: "short" as const,
      priceTakeProfit: 41_000,
      priceStopLoss: 43_000,
    });
    await broker.openPosition(short(), 42_000);
    await broker.changePosition(short(addFill(420)), { kind: "add", index: 1, cost: 420 }, 42_000);
    const reducing = short(addFill(420), exitFill(0.25));
    await broker.changePosition(
      reducing,
      { kind: "reduce", index: 2, fraction: 0.25, reason: "partial_loss" },
      42_000,
    );
    await broker.closePosition(reducing, 42_000, "stop_loss");
    // A short's sells pay commission in USDT: 0.03 BTC owed, a quarter bought back, then the rest.
    expect(placed().map((request) => [request.params.side, request.params.quantity])).toEqual([
      ["SELL", "0.02"],
      ["SELL", "0.01"],
      ["BUY", "0.0075"],
      ["BUY", "0.0225"],
    ]);
  });

  it("returns the first fill for a repeated change of the same index, placing one order", async () => {
    const broker = localBroker();
    await broker.openPosition(dca("sig-dca-again"), 42_000);
    const reducing = dca("sig-dca-again", exitFill(0.5));
    const change = { kind: "reduce", index: 1, fraction: 0.5, reason: "partial_profit" } as const;
    const first = await broker.changePosition(reducing, change, 42_000);
    const second = await broker.changePosition(reducing, change, 42_000);
    // After a restart too: a new broker finds the order by its client order id.
    const third = await localBroker().changePosition(reducing, change, 42_000);
    expect(second).toEqual(first);
    expect(third.orderId).toBe(first.orderId);
    expect(placed()).toHaveLength(2);
    expect(placed()[1]?.params).toMatchObject({ side: "SELL", quantity: "0.00999" });
    expect(server.orders).toHaveLength(2);
  });

  it("reports a timed-out add as TIMEOUT and resolves it through orderState, never placing it twice", async () => {
    await localBroker().openPosition(dca("sig-dca-hang"), 42_000);
    // The lookup answers (no such order), the add is taken but never answered, and so is the next lookup.
    server.inject(
      "GET",
      "/api/v3/order",
      { status: 400, body: { code: -2013, msg: "Order does not exist." } },
      { status: 0, body: null, hang: true },
    );
    server.inject("POST", "/api/v3/order", { status: 0, body: null, hang: true, afterHandling: true });
    const broker = localBroker({ timeoutMs: 300, retries: 0 });
    const adding = dca("sig-dca-hang", addFill(420));
    const change = { kind: "add", index: 1, cost: 420 } as const;
    const error = await rejection(broker.changePosition(adding, change, 42_000));
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("outcome unknown");
    expect(error.message).toContain("add 1");
    // The engine asks the venue what became of it (as a restarted live run does for an uncertain change).
    const state = await broker.orderState(addId("sig-dca-hang", 1), "BTCUSDT");
    expect(state.state).toBe("filled");
    expect(state.state === "filled" && state.fill).toMatchObject({
      clientOrderId: addId("sig-dca-hang", 1),
      orderId: String(server.orders[1]?.orderId),
      quantity: 0.01,
    });
    const again = await broker.changePosition(adding, change, 42_000);
    expect(state.state === "filled" && again).toEqual(state.state === "filled" && state.fill);
    expect(placed()).toHaveLength(2);
    expect(server.orders).toHaveLength(2);
  }, 15_000);

  it("reports a reduce the venue refuses as a non-retryable BROKER error, with nothing placed", async () => {
    const broker = localBroker();
    await broker.openPosition(dca("sig-dca-refused"), 42_000);
    server.inject("POST", "/api/v3/order", {
      status: 400,
      body: { code: -1013, msg: "Filter failure: NOTIONAL" },
    });
    const error = await rejection(
      broker.changePosition(
        dca("sig-dca-refused", exitFill(0.5)),
        { kind: "reduce", index: 1, fraction: 0.5, reason: "partial_loss" },
        42_000,
      ),
    );
    expect(error.code).toBe("BROKER");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`reduce 1 sell market order ${reduceId("sig-dca-refused", 1)}`);
    expect(error.message).toContain("NOTIONAL");
    expect(placed()).toHaveLength(2);
    expect(server.orders).toHaveLength(1);
    expect(await broker.orderState(reduceId("sig-dca-refused", 1), "BTCUSDT")).toEqual({ state: "unknown" });
  });

  it("refuses a change below the market's minimum size or malformed, before placing anything", async () => {
    const broker = localBroker();
    await broker.openPosition(dca("sig-dca-small"), 42_000);
    // 0.0001 of the 0.01998 BTC held is below the 0.00001 BTC step and minimum.
    const tiny = await rejection(
      broker.changePosition(
        dca("sig-dca-small", exitFill(0.0001)),
        { kind: "reduce", index: 1, fraction: 0.0001, reason: "partial_profit" },
        42_000,
      ),
    );
    expect({ code: tiny.code, retryable: tiny.retryable, field: tiny.field }).toEqual({
      code: "BROKER",
      retryable: false,
      field: "quantity",
    });
    expect(tiny.value).toBeCloseTo(0.01998 * 0.0001, 12);
    expect(tiny.message).toContain("BTC/USDT");
    const whole = await rejection(
      broker.changePosition(
        dca("sig-dca-small", exitFill(1)),
        { kind: "reduce", index: 1, fraction: 1, reason: "partial_profit" },
        42_000,
      ),
    );
    expect({ field: whole.field, value: whole.value, retryable: whole.retryable }).toEqual({
      field: "fraction",
      value: 1,
      retryable: false,
    });
    const noCost = await rejection(
      broker.changePosition(dca("sig-dca-small", addFill(0)), { kind: "add", index: 1, cost: 0 }, 42_000),
    );
    expect({ field: noCost.field, retryable: noCost.retryable }).toEqual({ field: "cost", retryable: false });
    expect(placed()).toHaveLength(1);
  });

  it("closes a change the signal does not record yet (an unknown outcome that filled) too", async () => {
    const broker = localBroker();
    await broker.openPosition(dca("sig-dca-orphan"), 42_000);
    await broker.changePosition(
      dca("sig-dca-orphan", addFill(420)),
      { kind: "add", index: 1, cost: 420 },
      42_000,
    );
    // The engine never learnt of the add and closes the position as it knows it.
    await broker.closePosition(dca("sig-dca-orphan"), 42_000, "stop_loss");
    expect(placed()[2]?.params).toMatchObject({ side: "SELL", quantity: "0.02997" });
  });
});
