// A local node:http server on 127.0.0.1 speaking the subset of Binance spot REST that ccxt calls for
// this adapter: exchangeInfo, klines (from a seeded in-memory 1m series), order placement, lookup,
// cancel, listing (openOrders, allOrders) and the account's trades (myTrades), time and ping. It records every request and can inject failures, so tests count what ccxt really sent.

import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const MINUTE_MS = 60_000;
const MAX_KLINES_LIMIT = 1000;
const DEFAULT_KLINES_LIMIT = 500;

const INTERVAL_MINUTES: Readonly<Record<string, number>> = {
  "1m": 1,
  "3m": 3,
  "5m": 5,
  "15m": 15,
  "30m": 30,
  "1h": 60,
  "2h": 120,
  "4h": 240,
  "6h": 360,
  "8h": 480,
  "12h": 720,
  "1d": 1440,
};

/** One generated 1m candle, numbers as Binance would print them. */
export interface SeriesCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
}

/** A canned answer used instead of the normal one. */
export interface InjectedResponse {
  status: number;
  body: unknown;
  /** Run the real handler first (the side effect happens) and then answer with this response. */
  afterHandling?: boolean;
  /** Never answer (the connection stays open until the client gives up): a venue that hangs. */
  hang?: boolean;
}

/** A trade of the account (Binance's GET /api/v3/myTrades shape). */
export interface StoredTrade {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: boolean;
}

/** An order as stored by the server (Binance's GET /api/v3/order shape). */
export interface StoredOrder {
  symbol: string;
  orderId: number;
  orderListId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  timeInForce: string;
  type: string;
  side: string;
  stopPrice: string;
  icebergQty: string;
  time: number;
  updateTime: number;
  isWorking: boolean;
  workingTime: number;
  origQuoteOrderQty: string;
  selfTradePreventionMode: string;
}

/** Settings of the fake server. */
export interface BinanceServerOptions {
  /** First 1m open time of every series; default 2024-01-01T00:00:00Z. */
  seriesStartMs?: number;
  /** Number of 1m candles per symbol; default 10 000. */
  seriesMinutes?: number;
  /** "immediate" fills limit orders at their price; "never" leaves them NEW. Default "immediate". */
  limitFill?: "immediate" | "never";
  /** 1m series to serve instead of the generated ones, by market id (e.g. bundled sample data). */
  series?: Record<string, SeriesCandle[]>;
  /** Largest order notional in quote currency before "insufficient balance"; default 1 000 000. */
  balanceQuote?: number;
}

/** A running fake Binance. */
export interface BinanceServer {
  /** e.g. http://127.0.0.1:43123 */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  readonly orders: StoredOrder[];
  readonly trades: StoredTrade[];
  /** The generated 1m series of a symbol. */
  series(symbol: string): SeriesCandle[];
  /** Number of recorded requests to `path` (optionally only of `method`). */
  count(path: string, method?: string): number;
  /** Answers the next requests to `method path` with these responses, in order. */
  inject(method: string, path: string, ...responses: InjectedResponse[]): void;
  /** Rewrites kline rows of a symbol before they are sent (to serve malformed data). */
  corruptKlines(symbol: string, rewrite: ((row: unknown[]) => unknown[]) | undefined): void;
  /** Changes how limit orders fill until the next reset. */
  setLimitFill(mode: "immediate" | "never"): void;
  /** The venue fills the resting order `clientOrderId` completely at `price`, at time `at` (epoch ms). */
  fillOrder(clientOrderId: string, price: number, at: number): void;
  /**
   * Rewrites every order object before it is sent (placement, lookup and listings), to serve a venue
   * answering garbage; undefined restores normal answers.
   */
  rewriteOrders(rewrite: ((order: Record<string, unknown>) => Record<string, unknown>) | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded random walk of 1m candles with 2-decimal prices and positive volumes. */
function generateSeries(startMs: number, minutes: number, startPrice: number, seed: number): SeriesCandle[] {
  const random = seededRandom(seed);
  const round = (value: number) => Math.round(value * 100) / 100;
  const candles: SeriesCandle[] = [];
  let price = startPrice;
  for (let index = 0; index < minutes; index++) {
    const open = round(price);
    const close = round(open * (1 + (random() - 0.5) * 0.004));
    const high = round(Math.max(open, close) * (1 + random() * 0.001));
    const low = round(Math.min(open, close) * (1 - random() * 0.001));
    const volume = Math.round((1 + random() * 20) * 1e5) / 1e5;
    candles.push({ openTime: startMs + index * MINUTE_MS, open, high, low, close, volume });
    price = close;
  }
  return candles;
}

/** 1m candles aggregated into `minutes`-long candles aligned to UTC boundaries. */
function aggregate(candles: SeriesCandle[], minutes: number): SeriesCandle[] {
  if (minutes === 1) return candles;
  const spanMs = minutes * MINUTE_MS;
  const result: SeriesCandle[] = [];
  for (const candle of candles) {
    const openTime = candle.openTime - (candle.openTime % spanMs);
    const last = result[result.length - 1];
    if (last !== undefined && last.openTime === openTime) {
      last.high = Math.max(last.high, candle.high);
      last.low = Math.min(last.low, candle.low);
      last.close = candle.close;
      last.volume = Math.round((last.volume + candle.volume) * 1e5) / 1e5;
    } else {
      result.push({ ...candle, openTime });
    }
  }
  return result;
}

/** A Binance kline row: [openTime, "open", "high", "low", "close", "volume", closeTime, ...]. */
function klineRow(candle: SeriesCandle, spanMs: number): unknown[] {
  return [
    candle.openTime,
    candle.open.toFixed(8),
    candle.high.toFixed(8),
    candle.low.toFixed(8),
    candle.close.toFixed(8),
    candle.volume.toFixed(8),
    candle.openTime + spanMs - 1,
    (candle.volume * candle.close).toFixed(8),
    42,
    (candle.volume / 2).toFixed(8),
    ((candle.volume / 2) * candle.close).toFixed(8),
    "0",
  ];
}

/** Decimal places of a Binance step string such as "0.00001000" (trailing zeros ignored). */
function decimalsOf(step: string): number {
  const fraction = step.split(".")[1]?.replace(/0+$/, "") ?? "";
  return fraction.length;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json;charset=UTF-8" });
  response.end(text);
}

/** Starts the fake Binance on 127.0.0.1 at a random free port. */
export async function startBinanceServer(options: BinanceServerOptions = {}): Promise<BinanceServer> {
  const exchangeInfoText = readFileSync(
    new URL("./fixtures/binanceExchangeInfo.json", import.meta.url),
    "utf8",
  );
  const exchangeInfo = JSON.parse(exchangeInfoText) as {
    symbols: Array<{ symbol: string; filters: Array<Record<string, unknown>> }>;
  };
  const seriesStartMs = options.seriesStartMs ?? Date.UTC(2024, 0, 1);
  const seriesMinutes = options.seriesMinutes ?? 10_000;
  let limitFill = options.limitFill ?? "immediate";
  const balanceQuote = options.balanceQuote ?? 1_000_000;
  const startPrices: Record<string, number> = { BTCUSDT: 42_000, ETHUSDT: 2_300, DOGEUSDT: 0.09 };
  const seriesBySymbol = new Map<string, SeriesCandle[]>();
  exchangeInfo.symbols.forEach((entry, index) => {
    seriesBySymbol.set(
      entry.symbol,
      options.series?.[entry.symbol] ??
        generateSeries(seriesStartMs, seriesMinutes, startPrices[entry.symbol] ?? 100, 1000 + index),
    );
  });

  const requests: RecordedRequest[] = [];
  const orders: StoredOrder[] = [];
  const trades: StoredTrade[] = [];
  let orderRewrite: ((order: Record<string, unknown>) => Record<string, unknown>) | undefined;
  const rewritten = (order: object): Record<string, unknown> => {
    const copy = { ...(order as Record<string, unknown>) };
    return orderRewrite === undefined ? copy : orderRewrite(copy);
  };
  const injected = new Map<string, InjectedResponse[]>();
  const corruptions = new Map<string, (row: unknown[]) => unknown[]>();
  let nextOrderId = 1_000_001;

  const invalidSymbol = { code: -1121, msg: "Invalid symbol." };

  const handleKlines = (params: Record<string, string>): [number, unknown] => {
    const series = params.symbol === undefined ? undefined : seriesBySymbol.get(params.symbol);
    if (series === undefined) return [400, invalidSymbol];
    const minutes = params.interval === undefined ? undefined : INTERVAL_MINUTES[params.interval];
    if (minutes === undefined) return [400, { code: -1120, msg: "Invalid interval." }];
    const limit = params.limit === undefined ? DEFAULT_KLINES_LIMIT : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KLINES_LIMIT) {
      return [400, { code: -1130, msg: "Invalid data sent for a parameter." }];
    }
    const spanMs = minutes * MINUTE_MS;
    const candles = aggregate(series, minutes);
    const startTime = params.startTime === undefined ? undefined : Number(params.startTime);
    const endTime = params.endTime === undefined ? undefined : Number(params.endTime);
    let selected = candles.filter(
      (candle) =>
        (startTime === undefined || candle.openTime >= startTime) &&
        (endTime === undefined || candle.openTime <= endTime),
    );
    // Binance: with a start time the first `limit` from it, otherwise the latest `limit`.
    selected = startTime === undefined ? selected.slice(-limit) : selected.slice(0, limit);
    const rewrite = corruptions.get(params.symbol ?? "");
    const rows = selected.map((candle) => klineRow(candle, spanMs));
    return [200, rewrite === undefined ? rows : rows.map((row) => rewrite(row))];
  };

  const marketPrice = (symbol: string): number => {
    const series = seriesBySymbol.get(symbol);
    return series?.[series.length - 1]?.close ?? 1;
  };

  /** Records the trade filling `order` completely at `fillPrice`, at `at`, and marks the order FILLED. */
  const recordFill = (order: StoredOrder, fillPrice: number, at: number): void => {
    const quantity = Number(order.origQty);
    const base = order.symbol.replace(/USDT$/, "");
    Object.assign(order, {
      status: "FILLED",
      executedQty: order.origQty,
      cummulativeQuoteQty: (quantity * fillPrice).toFixed(8),
      updateTime: at,
    });
    trades.push({
      symbol: order.symbol,
      id: order.orderId * 10,
      orderId: order.orderId,
      orderListId: -1,
      price: fillPrice.toFixed(8),
      qty: order.origQty,
      quoteQty: (quantity * fillPrice).toFixed(8),
      // Binance charges a buy in the base asset and a sell in the quote asset.
      commission:
        order.side === "BUY" ? (quantity * 0.001).toFixed(8) : (quantity * fillPrice * 0.001).toFixed(8),
      commissionAsset: order.side === "BUY" ? base : "USDT",
      time: at,
      isBuyer: order.side === "BUY",
      isMaker: order.type === "LIMIT",
      isBestMatch: true,
    });
  };

  const fullResponse = (order: StoredOrder): Record<string, unknown> => {
    const fills = trades
      .filter((trade) => trade.orderId === order.orderId)
      .map((trade) => ({
        price: trade.price,
        qty: trade.qty,
        commission: trade.commission,
        commissionAsset: trade.commissionAsset,
        tradeId: trade.id,
      }));
    return rewritten({
      symbol: order.symbol,
      orderId: order.orderId,
      orderListId: -1,
      clientOrderId: order.clientOrderId,
      transactTime: order.time,
      price: order.price,
      origQty: order.origQty,
      executedQty: order.executedQty,
      origQuoteOrderQty: "0.00000000",
      cummulativeQuoteQty: order.cummulativeQuoteQty,
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
      workingTime: order.workingTime,
      fills,
      selfTradePreventionMode: order.selfTradePreventionMode,
    });
  };

  const handlePlaceOrder = (
    params: Record<string, string>,
    apiKey: string | undefined,
  ): [number, unknown] => {
    if (apiKey === undefined || params.signature === undefined || params.timestamp === undefined) {
      return [401, { code: -2014, msg: "API-key format invalid." }];
    }
    const symbolInfo = exchangeInfo.symbols.find((entry) => entry.symbol === params.symbol);
    if (symbolInfo === undefined) return [400, invalidSymbol];
    const clientId = params.newClientOrderId ?? `server-${nextOrderId}`;
    if (orders.some((order) => order.clientOrderId === clientId)) {
      return [400, { code: -2010, msg: "Duplicate order sent." }];
    }
    const quantity = Number(params.quantity);
    const lot = symbolInfo.filters.find((filter) => filter.filterType === "LOT_SIZE");
    const stepSize = Number(lot?.stepSize ?? "0");
    if (
      !(quantity > 0) ||
      (stepSize > 0 && Math.abs(Math.round(quantity / stepSize) * stepSize - quantity) > 1e-12)
    ) {
      return [400, { code: -1013, msg: "Filter failure: LOT_SIZE" }];
    }
    const type = params.type ?? "";
    if (type !== "MARKET" && type !== "LIMIT") return [400, { code: -1116, msg: "Invalid orderType." }];
    const fillPrice = type === "MARKET" ? marketPrice(symbolInfo.symbol) : Number(params.price);
    if (quantity * fillPrice > balanceQuote) {
      return [400, { code: -2010, msg: "Account has insufficient balance for requested action." }];
    }
    const filled = type === "MARKET" || limitFill === "immediate";
    const quantityText = quantity.toFixed(decimalsOf(String(lot?.stepSize ?? "0")) || 8);
    const now = Date.now();
    const order: StoredOrder = {
      symbol: symbolInfo.symbol,
      orderId: nextOrderId++,
      orderListId: -1,
      clientOrderId: clientId,
      price: type === "LIMIT" ? Number(params.price).toFixed(8) : "0.00000000",
      origQty: quantityText,
      executedQty: "0.00000000",
      cummulativeQuoteQty: "0.00000000",
      status: "NEW",
      timeInForce: params.timeInForce ?? "GTC",
      type,
      side: params.side ?? "",
      stopPrice: "0.00000000",
      icebergQty: "0.00000000",
      time: now,
      updateTime: now,
      isWorking: true,
      workingTime: now,
      origQuoteOrderQty: "0.00000000",
      selfTradePreventionMode: "EXPIRE_MAKER",
    };
    orders.push(order);
    if (filled) recordFill(order, fillPrice, now);
    return [200, fullResponse(order)];
  };

  const handleQueryOrder = (
    params: Record<string, string>,
    apiKey: string | undefined,
  ): [number, unknown] => {
    if (apiKey === undefined || params.signature === undefined)
      return [401, { code: -2014, msg: "API-key format invalid." }];
    if (!seriesBySymbol.has(params.symbol ?? "")) return [400, invalidSymbol];
    const order = orders.find(
      (candidate) =>
        candidate.symbol === params.symbol &&
        (params.origClientOrderId !== undefined
          ? candidate.clientOrderId === params.origClientOrderId
          : String(candidate.orderId) === params.orderId),
    );
    if (order === undefined) return [400, { code: -2013, msg: "Order does not exist." }];
    return [200, rewritten(order)];
  };

  const signed = (params: Record<string, string>, apiKey: string | undefined): [number, unknown] | null =>
    apiKey === undefined || params.signature === undefined
      ? [401, { code: -2014, msg: "API-key format invalid." }]
      : !seriesBySymbol.has(params.symbol ?? "")
        ? [400, invalidSymbol]
        : null;

  const handleCancelOrder = (
    params: Record<string, string>,
    apiKey: string | undefined,
  ): [number, unknown] => {
    const refused = signed(params, apiKey);
    if (refused !== null) return refused;
    const order = orders.find(
      (candidate) =>
        candidate.symbol === params.symbol &&
        (params.origClientOrderId !== undefined
          ? candidate.clientOrderId === params.origClientOrderId
          : String(candidate.orderId) === params.orderId),
    );
    if (order === undefined) return [400, { code: -2011, msg: "Unknown order sent." }];
    if (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED") {
      return [400, { code: -2011, msg: "Unknown order sent." }];
    }
    Object.assign(order, { status: "CANCELED", updateTime: Date.now() });
    return [200, rewritten(order)];
  };

  /** Orders or trades of a symbol from `startTime` (inclusive), at most `limit` (default 500, max 1000). */
  const window = <Row extends { symbol: string; time: number }>(
    rows: Row[],
    params: Record<string, string>,
  ): Row[] => {
    const startTime = params.startTime === undefined ? undefined : Number(params.startTime);
    const endTime = params.endTime === undefined ? undefined : Number(params.endTime);
    const limit = Math.min(1000, params.limit === undefined ? 500 : Number(params.limit));
    return rows
      .filter(
        (row) =>
          row.symbol === params.symbol &&
          (startTime === undefined || row.time >= startTime) &&
          (endTime === undefined || row.time <= endTime),
      )
      .slice(0, limit);
  };

  const handleOrderList = (
    params: Record<string, string>,
    apiKey: string | undefined,
    openOnly: boolean,
  ): [number, unknown] => {
    const refused = signed(params, apiKey);
    if (refused !== null) return refused;
    const selected = window(orders, params).filter(
      (order) => !openOnly || order.status === "NEW" || order.status === "PARTIALLY_FILLED",
    );
    return [200, selected.map((order) => rewritten(order))];
  };

  const handleMyTrades = (params: Record<string, string>, apiKey: string | undefined): [number, unknown] => {
    const refused = signed(params, apiKey);
    if (refused !== null) return refused;
    const selected = window(trades, params).filter(
      (trade) => params.orderId === undefined || String(trade.orderId) === params.orderId,
    );
    return [200, selected];
  };

  const route = (
    method: string,
    path: string,
    params: Record<string, string>,
    apiKey: string | undefined,
  ) => {
    const key = `${method} ${path}`;
    switch (key) {
      case "GET /api/v3/ping":
        return [200, {}] as [number, unknown];
      case "GET /api/v3/time":
        return [200, { serverTime: Date.now() }] as [number, unknown];
      case "GET /api/v3/exchangeInfo":
        return [200, exchangeInfoText] as [number, unknown];
      case "GET /api/v3/klines":
        return handleKlines(params);
      case "POST /api/v3/order":
        return handlePlaceOrder(params, apiKey);
      case "GET /api/v3/order":
        return handleQueryOrder(params, apiKey);
      case "DELETE /api/v3/order":
        return handleCancelOrder(params, apiKey);
      case "GET /api/v3/openOrders":
        return handleOrderList(params, apiKey, true);
      case "GET /api/v3/allOrders":
        return handleOrderList(params, apiKey, false);
      case "GET /api/v3/myTrades":
        return handleMyTrades(params, apiKey);
      default:
        return [404, { code: -1, msg: `fake binance: no route ${key}` }] as [number, unknown];
    }
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const body = await readBody(request);
      const params: Record<string, string> = {};
      for (const [name, value] of url.searchParams) params[name] = value;
      for (const [name, value] of new URLSearchParams(body)) params[name] = value;
      const method = request.method ?? "GET";
      requests.push({ method, path: url.pathname, params });
      const apiKeyHeader = request.headers["x-mbx-apikey"];
      const apiKey = typeof apiKeyHeader === "string" && apiKeyHeader !== "" ? apiKeyHeader : undefined;
      const queue = injected.get(`${method} ${url.pathname}`);
      const canned = queue?.shift();
      if (canned?.hang === true) {
        // Optionally let the request take effect, then never answer.
        if (canned.afterHandling) route(method, url.pathname, params, apiKey);
        return;
      }
      if (canned !== undefined && !canned.afterHandling) {
        send(response, canned.status, canned.body);
        return;
      }
      const [status, answer] = route(method, url.pathname, params, apiKey);
      if (canned !== undefined) send(response, canned.status, canned.body);
      else send(response, status, answer);
    })().catch((error: unknown) => send(response, 500, { code: -1000, msg: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    orders,
    trades,
    series: (symbol) => seriesBySymbol.get(symbol) ?? [],
    count: (path, method) =>
      requests.filter(
        (request) => request.path === path && (method === undefined || request.method === method),
      ).length,
    inject: (method, path, ...responses) => {
      const key = `${method} ${path}`;
      injected.set(key, [...(injected.get(key) ?? []), ...responses]);
    },
    corruptKlines: (symbol, rewrite) => {
      if (rewrite === undefined) corruptions.delete(symbol);
      else corruptions.set(symbol, rewrite);
    },
    setLimitFill: (mode) => {
      limitFill = mode;
    },
    fillOrder: (clientOrderId, price, at) => {
      const order = orders.find((candidate) => candidate.clientOrderId === clientOrderId);
      if (order === undefined) throw new Error(`fake binance: no order ${clientOrderId}`);
      recordFill(order, price, at);
    },
    rewriteOrders: (rewrite) => {
      orderRewrite = rewrite;
    },
    reset: () => {
      limitFill = options.limitFill ?? "immediate";
      requests.length = 0;
      orders.length = 0;
      trades.length = 0;
      orderRewrite = undefined;
      injected.clear();
      corruptions.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * ccxt constructor settings pointing every Binance API URL at the local server (so nothing can reach
 * the internet) and switching off calls the fake does not serve.
 */
export function localBinanceOptions(
  origin: string,
  binanceApiUrls: Record<string, string>,
  extra: { apiKey?: string; secret?: string } = {},
): Record<string, unknown> {
  const api: Record<string, string> = {};
  for (const [key, url] of Object.entries(binanceApiUrls)) {
    api[key] = origin + new URL(url).pathname;
  }
  return {
    ...extra,
    urls: { api },
    options: {
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: false,
      fetchMarkets: { types: ["spot"] },
    },
  };
}
