// createCcxtBroker: an IBroker placing market (or limit) orders through ccxt. Every order carries the
// deterministic clientOrderId of its signal leg; before placing, the broker looks the order up by that id,
// and a duplicate-id rejection is answered by fetching the existing order, so a retry never trades twice.
// The fill it reports is the venue's (average price, last trade time, filled amount, fees), checked
// before it is returned; every venue call is bounded in time, and a call that times out is an unknown
// outcome resolved by the client order id, never a rejection.

import {
  type BrokerOrderState,
  BtError,
  type CloseReason,
  clientOrderId,
  DEFAULT_MAX_FILL_DEVIATION_PERCENT,
  describeValue,
  type IBroker,
  type IBrokerFill,
  type IBrokerOpenPosition,
  type ISignalRow,
} from "@bt/core";
import type {
  CcxtClient,
  CcxtExchangeOptions,
  CcxtFee,
  CcxtMarket,
  CcxtModule,
  CcxtOrder,
  CcxtTrade,
} from "./ccxtClient";
import {
  errorClassName,
  errorMessage,
  isDuplicateOrderError,
  isOrderNotFoundError,
  isTransientCcxtError,
  isUnknownOrderOutcome,
} from "./ccxtErrors";
import { createCcxtSession } from "./ccxtSession";
import { withRetry } from "./retry";

/** Settings of createCcxtBroker. */
export interface CcxtBrokerSettings {
  /** ccxt exchange id, e.g. "binance". */
  exchangeId: string;
  /** ccxt constructor settings; apiKey and secret are required by the venue. */
  options?: CcxtExchangeOptions;
  /** "market" (default) fills at the venue's price; "limit" rests at the engine's price until filled. */
  orderType?: "market" | "limit";
  /** Extra attempts of an order whose outcome is unknown (network error, timeout, 5xx); default 2. */
  retries?: number;
  /** Delay before the first retry in ms, doubled on each further one; default 500. */
  backoffMs?: number;
  /**
   * Longest wait for one venue call in ms (> 0), default 30 000: passed to ccxt as `timeout` (unless
   * `options.timeout` is set) and enforced by the broker too, so a venue that never answers cannot hang it.
   */
  timeoutMs?: number;
  /** How long to wait for an accepted order to fill before reporting it pending, in ms; default 30 000. */
  fillTimeoutMs?: number;
  /** Interval between order status polls while waiting for a fill, in ms; default 1 000. */
  pollIntervalMs?: number;
  /**
   * Largest distance in percent (> 0) of a fill's price from the price the order was sent at; a fill
   * further away is refused as implausible (BtError BROKER, field "price"). Default 10.
   */
  maxFillDeviationPercent?: number;
  /** How far back openPositions looks for the broker's orders, in ms; default 86 400 000 (24 h, Binance's widest window). */
  positionLookbackMs?: number;
  /** Clock in epoch ms (fill polling deadline, openPositions window); default Date.now. */
  now?: () => number;
}

type Leg = "open" | "close";

const OPEN_PREFIX = "bto-";
const CLOSE_PREFIX = "btc-";

/** Resolves after `delayMs` milliseconds. */
function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
}

function isFinitePositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** The fee entries of an order or trade. */
function feesOf(source: { fee?: CcxtFee; fees?: CcxtFee[] }): CcxtFee[] {
  if (source.fees !== undefined && source.fees.length > 0) return source.fees;
  return source.fee === undefined ? [] : [source.fee];
}

/** Sum of the fees paid in `currency`, or undefined when none is reported in it. */
function feeIn(fees: ReadonlyArray<CcxtFee>, currency: string): number | undefined {
  let total: number | undefined;
  for (const fee of fees) {
    if (fee.currency === currency && typeof fee.cost === "number" && Number.isFinite(fee.cost)) {
      total = (total ?? 0) + fee.cost;
    }
  }
  return total;
}

/**
 * The fees in quote currency: quote fees plus base fees valued at `price`; undefined when none is
 * reported or one is in a third currency (e.g. BNB) that cannot be valued here.
 */
function feeQuoteOf(fees: ReadonlyArray<CcxtFee>, market: CcxtMarket, price: number): number | undefined {
  let total: number | undefined;
  for (const fee of fees) {
    if (fee.cost === undefined || fee.cost === 0) continue;
    if (fee.currency === market.quote) total = (total ?? 0) + fee.cost;
    else if (fee.currency === market.base) total = (total ?? 0) + fee.cost * price;
    else return undefined;
  }
  return total;
}

/**
 * True only for a definitive end without a fill: cancelled, expired or rejected with exactly 0 filled.
 * A "closed" order with nothing (or garbage) filled is not a rejection: its fill fails the checks.
 */
function endedUnfilled(order: CcxtOrder): boolean {
  const ended = order.status === "canceled" || order.status === "expired" || order.status === "rejected";
  return ended && (order.filled ?? 0) === 0;
}

/** The suffix of a bt client order id shared by the open and close legs of one signal. */
function legSuffix(id: string): string {
  return id.slice(OPEN_PREFIX.length);
}

/** The ccxt broker: an IBroker that always implements orderState and openPositions. */
export interface CcxtBroker extends IBroker {
  /**
   * The state of the order placed under `clientOrderId` on `symbol`, looked up at the venue.
   * @throws BtError TIMEOUT or BROKER (retryable) when the venue cannot say; BROKER naming the field when it reports a garbage fill.
   */
  orderState(clientOrderId: string, symbol: string): Promise<BrokerOrderState>;
  /**
   * The broker's filled open legs on `symbol` without a filled close leg, within `positionLookbackMs`.
   * @throws BtError TIMEOUT or BROKER (retryable) when the venue cannot say.
   */
  openPositions(symbol: string): Promise<ReadonlyArray<IBrokerOpenPosition>>;
}

/**
 * A broker executing signals on a ccxt exchange. Long opens buy and closes sell; short opens sell and
 * closes buy. Take profit and stop loss are decided by the engine, which calls closePosition: no
 * exchange-side OCO or stop orders are placed in spec version 1.
 * @throws BtError BROKER for a refused order (retryable false), an unknown outcome or a pending order
 * (retryable true) and a fill that fails its checks (retryable true: the position stays pending);
 * BtError TIMEOUT (retryable true) when the venue did not answer in time.
 * @example
 * const broker = createCcxtBroker({ exchangeId: "binance", options: { apiKey, secret } });
 */
export function createCcxtBroker(settings: CcxtBrokerSettings): CcxtBroker {
  const { exchangeId } = settings;
  const name = `ccxt:${exchangeId}`;
  const orderType = settings.orderType ?? "market";
  const retries = settings.retries ?? 2;
  const backoffMs = settings.backoffMs ?? 500;
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const fillTimeoutMs = settings.fillTimeoutMs ?? 30_000;
  const pollIntervalMs = settings.pollIntervalMs ?? 1_000;
  const maxFillDeviationPercent = settings.maxFillDeviationPercent ?? DEFAULT_MAX_FILL_DEVIATION_PERCENT;
  const positionLookbackMs = settings.positionLookbackMs ?? 86_400_000;
  const now = settings.now ?? Date.now;
  for (const [field, value] of [
    ["timeoutMs", timeoutMs],
    ["maxFillDeviationPercent", maxFillDeviationPercent],
    ["positionLookbackMs", positionLookbackMs],
  ] as const) {
    if (!isFinitePositive(value)) {
      throw new BtError(
        "CONFIG",
        `${name}: ${field} must be a finite positive number, got ${describeValue(value)}`,
        {
          adapter: name,
          field,
          value,
        },
      );
    }
  }
  const options = settings.options ?? {};
  const session = createCcxtSession({
    exchangeId,
    options: { ...options, timeout: options.timeout ?? timeoutMs },
    adapter: name,
    retries,
    backoffMs,
  });

  const brokerError = (
    message: string,
    retryable: boolean,
    cause?: unknown,
    field?: string,
    value?: unknown,
  ) =>
    new BtError("BROKER", `${name}: ${message}`, {
      adapter: name,
      retryable,
      ...(cause === undefined ? {} : { cause }),
      ...(field === undefined ? {} : { field, value }),
    });

  /** Runs one venue call, failing it with ccxt's RequestTimeout (an unknown outcome) after timeoutMs. */
  const bounded = async <T>(ccxt: CcxtModule, what: string, call: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ccxt.RequestTimeout(`${name} ${what} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  /** True for a timeout, ours or ccxt's. */
  const isTimeout = (ccxt: CcxtModule, error: unknown) => error instanceof ccxt.RequestTimeout;

  /** The order carrying `id`, or null when the venue provably has none. */
  const findOrder = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    symbol: string,
    id: string,
  ): Promise<CcxtOrder | null> => {
    let unsupported: unknown;
    try {
      // ccxt maps clientOrderId to each venue's parameter (origClientOrderId on Binance).
      return await bounded(ccxt, `fetchOrder ${id}`, () =>
        client.fetchOrder(undefined, symbol, { clientOrderId: id }),
      );
    } catch (error) {
      if (isOrderNotFoundError(ccxt, error)) return null;
      if (!(error instanceof ccxt.NotSupported || error instanceof ccxt.ArgumentsRequired)) throw error;
      unsupported = error;
    }
    // A venue that cannot fetch one order by client id: search its open, then its recent closed orders.
    // Without both listings "not found" would prove nothing (and a retry could trade twice): refuse.
    if (client.has.fetchOpenOrders !== true || client.has.fetchClosedOrders !== true) throw unsupported;
    const since = now() - positionLookbackMs;
    for (const list of ["fetchOpenOrders", "fetchClosedOrders"] as const) {
      const orders = await bounded(ccxt, `${list} ${symbol}`, () => client[list](symbol, since));
      const match = orders.find((order) => order.clientOrderId === id);
      if (match !== undefined) return match;
    }
    return null;
  };

  /** The trades of a filled order when the order itself lists none (a lookup answer), else its own. */
  const tradesOf = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    symbol: string,
    order: CcxtOrder,
  ): Promise<CcxtTrade[]> => {
    if (order.trades !== undefined && order.trades.length > 0) return order.trades;
    if (client.has.fetchMyTrades !== true || !((order.filled ?? 0) > 0)) return [];
    try {
      const trades = await bounded(ccxt, `fetchMyTrades ${symbol}`, () =>
        client.fetchMyTrades(symbol, undefined, undefined, { orderId: order.id }),
      );
      return trades.filter((trade) => trade.order === undefined || String(trade.order) === String(order.id));
    } catch (error) {
      // The fees are optional; the fill itself comes from the order. A refusal or a timeout drops them.
      if (error instanceof ccxt.BaseError) return [];
      throw error;
    }
  };

  /**
   * The fill of a (completely or partly) filled order as the venue reports it, checked: price, quantity
   * and time finite and positive, the price within maxFillDeviationPercent of `requestedPrice` when given.
   * @throws BtError BROKER (retryable: the order may hold a position) naming the offending field.
   */
  const fillOf = (
    market: CcxtMarket,
    id: string,
    order: CcxtOrder,
    trades: ReadonlyArray<CcxtTrade>,
    requestedPrice: number | undefined,
  ): IBrokerFill => {
    const invalid = (field: string, value: unknown, why: string) =>
      brokerError(
        `order ${id} on ${market.symbol} filled but the venue reports ${why}; not recorded, the position stays pending`,
        true,
        undefined,
        field,
        value,
      );
    const quantity = order.filled;
    if (!isFinitePositive(quantity)) {
      throw invalid("quantity", quantity, `filled amount ${describeValue(quantity)}`);
    }
    // The venue's average; else its cost over the amount; else the trades' volume-weighted price. Never
    // the requested (limit) price: that is what was asked, not what was paid.
    let price = order.average;
    if (price === undefined && isFinitePositive(order.cost)) price = order.cost / quantity;
    if (price === undefined && trades.length > 0) {
      const amount = trades.reduce((sum, trade) => sum + (trade.amount ?? Number.NaN), 0);
      const cost = trades.reduce(
        (sum, trade) => sum + (trade.cost ?? (trade.price ?? Number.NaN) * (trade.amount ?? Number.NaN)),
        0,
      );
      price = cost / amount;
    }
    if (!isFinitePositive(price)) {
      throw invalid("price", price, `average price ${describeValue(price)}`);
    }
    if (requestedPrice !== undefined) {
      const deviationPercent = (Math.abs(price - requestedPrice) / requestedPrice) * 100;
      if (!(deviationPercent <= maxFillDeviationPercent)) {
        throw invalid(
          "price",
          price,
          `average price ${price}, ${deviationPercent.toFixed(2)} % from the requested ${requestedPrice} (at most ${maxFillDeviationPercent} %)`,
        );
      }
    }
    const tradeTimes = trades
      .map((trade) => trade.timestamp)
      .filter((time): time is number => typeof time === "number" && Number.isFinite(time));
    const filledAt =
      order.lastTradeTimestamp ?? (tradeTimes.length > 0 ? Math.max(...tradeTimes) : order.timestamp);
    if (typeof filledAt !== "number" || !Number.isFinite(filledAt) || filledAt <= 0) {
      throw invalid("filledAt", filledAt, `fill time ${describeValue(filledAt)}`);
    }
    const fees = trades.length > 0 ? trades.flatMap((trade) => feesOf(trade)) : feesOf(order);
    let feeQuote = feeQuoteOf(fees, market, price);
    if (feeQuote !== undefined && !Number.isFinite(feeQuote)) {
      throw invalid("feeQuote", feeQuote, `fee ${describeValue(feeQuote)}`);
    }
    // A net rebate (maker fees below zero on some venues) is not a fee paid: left out, not refused.
    if (feeQuote !== undefined && feeQuote < 0) feeQuote = undefined;
    return {
      orderId: String(order.id),
      clientOrderId: order.clientOrderId ?? id,
      price,
      quantity,
      filledAt,
      ...(feeQuote === undefined ? {} : { feeQuote }),
    };
  };

  /** The fill of an order, polling while it is still open. */
  const awaitFill = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    id: string,
    placed: CcxtOrder,
    requestedPrice: number,
  ): Promise<IBrokerFill> => {
    let order = placed;
    const deadline = now() + fillTimeoutMs;
    while (order.status === "open" && now() < deadline) {
      await sleep(pollIntervalMs);
      order = (await findOrder(client, ccxt, market.symbol, id)) ?? order;
    }
    const filled = order.filled ?? 0;
    if (order.status === "open") {
      throw brokerError(
        `order ${id} on ${market.symbol} is not filled yet (${filled} filled); still pending`,
        true,
      );
    }
    if (endedUnfilled(order)) {
      throw brokerError(
        `order ${id} on ${market.symbol} ended ${order.status ?? "unknown"} without a fill`,
        false,
      );
    }
    const trades = await tradesOf(client, ccxt, market.symbol, order);
    return fillOf(market, id, order, trades, requestedPrice);
  };

  /** Base quantity of a leg: the signal's size for the open, what the open actually bought or sold for the close. */
  const legQuantity = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    signal: ISignalRow,
    leg: Leg,
    price: number,
  ): Promise<number> => {
    if (leg === "close") {
      const opened = await findOrder(client, ccxt, market.symbol, clientOrderId(signal.id, "open"));
      if (opened !== null && isFinitePositive(opened.filled)) {
        // A long pays fees in the base asset on some venues: close only what is actually held.
        const trades = await tradesOf(client, ccxt, market.symbol, opened);
        const fees = trades.length > 0 ? trades.flatMap((trade) => feesOf(trade)) : feesOf(opened);
        const baseFee = signal.position === "long" ? (feeIn(fees, market.base) ?? 0) : 0;
        return opened.filled - baseFee;
      }
    }
    if (signal.quantity !== null && signal.quantity > 0) return signal.quantity;
    const reference = leg === "open" ? price : signal.priceOpen;
    if (signal.cost !== null && signal.cost > 0 && reference > 0) return signal.cost / reference;
    throw brokerError(
      `signal ${signal.id} has neither a quantity nor a cost to size the ${leg} order`,
      false,
      undefined,
      "quantity",
      signal.quantity,
    );
  };

  /** The client, module and market of `symbol`, failures as BtError BROKER. */
  const resolveMarket = async (symbol: string) => {
    try {
      return await session.resolve(symbol);
    } catch (error) {
      if (BtError.isInstance(error)) throw brokerError(error.message, error.retryable, error);
      throw brokerError(`cannot reach ${exchangeId} (${errorMessage(error)})`, true, error);
    }
  };

  /** A venue failure of `what` as a BtError: TIMEOUT, BROKER retryable (unknown) or BROKER refused. */
  const venueError = (ccxt: CcxtModule, what: string, error: unknown, unknownHint: string) => {
    if (BtError.isInstance(error)) return error;
    const detail = `${errorClassName(error)}: ${errorMessage(error)}`;
    if (isTimeout(ccxt, error)) {
      return new BtError(
        "TIMEOUT",
        `${name}: ${what}: no answer in time, outcome unknown (${detail}); ${unknownHint}`,
        {
          adapter: name,
          retryable: true,
          cause: error,
          field: "timeoutMs",
          value: timeoutMs,
        },
      );
    }
    if (isUnknownOrderOutcome(ccxt, error)) {
      return brokerError(`${what}: outcome unknown (${detail}); ${unknownHint}`, true, error);
    }
    return brokerError(`${what} rejected (${detail})`, false, error);
  };

  const execute = async (signal: ISignalRow, price: number, leg: Leg): Promise<IBrokerFill> => {
    if (!Number.isFinite(price) || price <= 0) {
      throw brokerError(
        `price must be a finite positive number, got ${describeValue(price)}`,
        false,
        undefined,
        "price",
        price,
      );
    }
    const id = clientOrderId(signal.id, leg);
    const side = (leg === "open") === (signal.position === "long") ? "buy" : "sell";
    const { client, ccxt, market } = await resolveMarket(signal.symbol);
    try {
      return await withRetry(
        async () => {
          // Look first: after a crash, a lost response or a timeout the order may already exist.
          let order = await findOrder(client, ccxt, market.symbol, id);
          if (order === null) {
            const amount = await legQuantity(client, ccxt, market, signal, leg, price);
            try {
              order = await bounded(ccxt, `createOrder ${id}`, () =>
                client.createOrder(
                  market.symbol,
                  orderType,
                  side,
                  amount,
                  orderType === "limit" ? price : undefined,
                  { clientOrderId: id },
                ),
              );
            } catch (error) {
              if (isDuplicateOrderError(ccxt, error)) {
                order = await findOrder(client, ccxt, market.symbol, id);
                if (order === null)
                  throw brokerError(`order ${id} reported duplicate but cannot be found`, true, error);
              } else if (isUnknownOrderOutcome(ccxt, error)) {
                // The order may have reached the venue: resolve by its client id. Found: wait for its
                // fill. Provably absent: the unknown error stands, and a retry re-sends the same id.
                order = await findOrder(client, ccxt, market.symbol, id);
                if (order === null) throw error;
              } else {
                throw error;
              }
            }
          }
          return await awaitFill(client, ccxt, market, id, order, price);
        },
        {
          retries,
          backoffMs,
          shouldRetry: (error) => !BtError.isInstance(error) && isUnknownOrderOutcome(ccxt, error),
        },
      );
    } catch (error) {
      throw venueError(
        ccxt,
        `${leg} ${side} ${orderType} order ${id} on ${market.symbol}`,
        error,
        "retry with the same signal (the order is looked up by its client order id)",
      );
    }
  };

  const orderState = async (id: string, symbol: string): Promise<BrokerOrderState> => {
    const { client, ccxt, market } = await resolveMarket(symbol);
    try {
      return await withRetry(
        async (): Promise<BrokerOrderState> => {
          const order = await findOrder(client, ccxt, market.symbol, id);
          if (order === null) return { state: "unknown" };
          if (order.status === "open" || order.status === undefined) return { state: "pending" };
          if (endedUnfilled(order)) {
            return { state: "rejected", reason: `order ${id} on ${market.symbol} ${order.status} unfilled` };
          }
          // Closed, or cancelled/expired after a partial fill: the position holds what was filled. A
          // garbage amount fails the fill's checks (an error, never "rejected").
          const trades = await tradesOf(client, ccxt, market.symbol, order);
          return { state: "filled", fill: fillOf(market, id, order, trades, undefined) };
        },
        { retries, backoffMs, shouldRetry: (error) => isTransientCcxtError(ccxt, error) },
      );
    } catch (error) {
      throw venueError(ccxt, `orderState of ${id} on ${market.symbol}`, error, "ask again later");
    }
  };

  const openPositions = async (symbol: string): Promise<IBrokerOpenPosition[]> => {
    const { client, ccxt, market } = await resolveMarket(symbol);
    const since = now() - positionLookbackMs;
    try {
      return await withRetry(
        async () => {
          // All orders (a cancelled partial fill holds a position too) where the venue lists them.
          const list = client.has.fetchOrders === true ? "fetchOrders" : "fetchClosedOrders";
          const orders = await bounded(ccxt, `${list} ${market.symbol}`, () =>
            client[list](market.symbol, since, 1000),
          );
          const filled = orders.filter(
            (order) =>
              typeof order.clientOrderId === "string" && (order.filled ?? 0) > 0 && order.status !== "open",
          );
          const closed = new Set(
            filled
              .filter((order) => order.clientOrderId?.startsWith(CLOSE_PREFIX))
              .map((order) => legSuffix(order.clientOrderId ?? "")),
          );
          const opens = filled.filter(
            (order) =>
              order.clientOrderId?.startsWith(OPEN_PREFIX) === true &&
              !closed.has(legSuffix(order.clientOrderId)),
          );
          if (opens.length === 0) return [];
          // One trades call for the window: the fees of every open leg.
          let trades: CcxtTrade[] = [];
          if (client.has.fetchMyTrades === true) {
            try {
              trades = await bounded(ccxt, `fetchMyTrades ${market.symbol}`, () =>
                client.fetchMyTrades(market.symbol, since, 1000),
              );
            } catch (error) {
              if (!(error instanceof ccxt.BaseError)) throw error;
            }
          }
          return opens.map((order): IBrokerOpenPosition => {
            const id = order.clientOrderId ?? "";
            const own = trades.filter((trade) => String(trade.order) === String(order.id));
            return {
              clientOrderId: id,
              symbol,
              side: order.side === "sell" ? "sell" : "buy",
              fill: fillOf(market, id, order, order.trades?.length ? order.trades : own, undefined),
            };
          });
        },
        { retries, backoffMs, shouldRetry: (error) => isTransientCcxtError(ccxt, error) },
      );
    } catch (error) {
      throw venueError(ccxt, `openPositions on ${market.symbol}`, error, "ask again later");
    }
  };

  return {
    name,
    specVersion: 1,
    openPosition: (signal, price) => execute(signal, price, "open"),
    closePosition: (signal: ISignalRow, price: number, _reason: CloseReason) =>
      execute(signal, price, "close"),
    orderState,
    openPositions,
  };
}
