// createCcxtBroker: an IBroker placing market (or limit) orders through ccxt. Every order (open, close,
// and each size change: added entry or partial close) carries the deterministic clientOrderId of its
// signal leg; before placing, the broker looks the order up by that id, and a duplicate-id rejection is
// answered by fetching the existing order, so a retry never trades twice. A partial or final close is
// sized from what the signal's orders hold at the venue, each found by its client order id.
// The fill it reports is the venue's (average price, last trade time, filled amount, fees), checked
// before it is returned; every venue call is bounded in time, and a call that times out is an unknown
// outcome resolved by the client order id, never a rejection.

import {
  type BrokerOrderState,
  type BrokerPositionChange,
  BtError,
  type CloseReason,
  clientOrderId,
  DEFAULT_MAX_FILL_DEVIATION_PERCENT,
  describeValue,
  type IBroker,
  type IBrokerFill,
  type IBrokerOpenPosition,
  type ISignalRow,
  type OrderLeg,
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

/** One order of a signal: its open, its close, or one size change (an added entry or a partial close). */
type Leg = "open" | "close" | BrokerPositionChange;

/** The client-order-id leg of `leg`. */
function orderLegOf(leg: Leg): OrderLeg {
  return typeof leg === "string" ? leg : { kind: leg.kind, index: leg.index };
}

/** "open", "close", "add 2", "reduce 3": how messages name a leg. */
function legLabel(leg: Leg): string {
  return typeof leg === "string" ? leg : `${leg.kind} ${leg.index}`;
}

/** True for the legs that grow the position (open, add), false for those that shrink it (reduce, close). */
function increasesPosition(kind: "open" | "close" | "add" | "reduce"): boolean {
  return kind === "open" || kind === "add";
}

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

/** The ccxt broker: an IBroker that always implements changePosition, orderState and openPositions. */
export interface CcxtBroker extends IBroker {
  /**
   * Adds to (`add`: buys more for a long, sells more for a short, `cost / price` base units) or reduces
   * (`reduce`: the opposite side for `fraction` of the base units the signal holds at the venue) the
   * position of `signal`, under clientOrderId(signal.id, change); resolves once filled. A repeated call
   * with the same index returns the first order's fill.
   * @throws BtError BROKER as openPosition does; not retryable for a malformed change (field index, cost
   * or fraction) or a size below the market's minimum (field quantity).
   */
  changePosition(signal: ISignalRow, change: BrokerPositionChange, price: number): Promise<IBrokerFill>;
  /**
   * The state of the order placed under `clientOrderId` on `symbol`, looked up at the venue.
   * @throws BtError TIMEOUT or BROKER (retryable) when the venue cannot say; BROKER naming the field when it reports a garbage fill.
   */
  orderState(clientOrderId: string, symbol: string): Promise<BrokerOrderState>;
  /**
   * The broker's filled open legs on `symbol` without a filled close leg, within `positionLookbackMs`,
   * each with its open leg's fill (add and reduce orders change a position, they are not positions).
   * @throws BtError TIMEOUT or BROKER (retryable) when the venue cannot say.
   */
  openPositions(symbol: string): Promise<ReadonlyArray<IBrokerOpenPosition>>;
}

/**
 * A broker executing signals on a ccxt exchange. Long opens and adds buy, reduces and closes sell; short
 * opens and adds sell, reduces and closes buy. A close sells (buys back) everything the signal's orders
 * hold at the venue: the open's fill plus the adds less the reduces. Take profit and stop loss are
 * decided by the engine, which calls closePosition: no exchange-side OCO or stop orders are placed in
 * spec version 1.
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

  /**
   * What one found order of the signal adds to (open, add) or takes from (reduce) the base units held:
   * its filled amount, less the base-asset fee of a long's buy (Binance charges a buy in the asset
   * bought, so that much was never received); null when the venue has no such order or reports no fill.
   */
  const heldBy = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    signal: ISignalRow,
    kind: "open" | "add" | "reduce",
    order: CcxtOrder | null,
  ): Promise<number | null> => {
    if (order === null || !isFinitePositive(order.filled)) return null;
    if (signal.position !== "long" || !increasesPosition(kind)) return order.filled;
    const trades = await tradesOf(client, ccxt, market.symbol, order);
    const fees = trades.length > 0 ? trades.flatMap((trade) => feesOf(trade)) : feesOf(order);
    return order.filled - (feeIn(fees, market.base) ?? 0);
  };

  /** The signal's own size of its first entry in base units: its quantity, else its cost at `reference`; null when unsized. */
  const modelQuantity = (signal: ISignalRow, reference: number): number | null => {
    if (signal.quantity !== null && signal.quantity > 0) return signal.quantity;
    if (signal.cost !== null && signal.cost > 0 && reference > 0) return signal.cost / reference;
    return null;
  };

  const unsized = (signal: ISignalRow, leg: Leg) =>
    brokerError(
      `signal ${signal.id} has neither a quantity nor a cost to size the ${legLabel(leg)} order`,
      false,
      undefined,
      "quantity",
      signal.quantity,
    );

  /**
   * Base units the signal holds at the venue before `leg` (a partial or the final close): the open's
   * fill plus the added entries less the partial closes, each order found by its client order id (the
   * lookups run together). A change the signal's fills record but the venue cannot find counts as the
   * model sized it. A filled order the fills do not record counts too: one of the other kind at a change
   * index (an unknown outcome the engine later decided differently), or, for the close, one index past
   * the fills (a change whose outcome the engine has not learnt yet): the close closes everything held.
   * @throws BtError BROKER (not retryable) when the venue has no open fill and the signal no size.
   */
  const heldBefore = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    signal: ISignalRow,
    leg: "close" | Extract<BrokerPositionChange, { kind: "reduce" }>,
  ): Promise<number> => {
    const candidates: Array<{ kind: "add" | "reduce"; index: number; recorded: boolean }> = [];
    // The close: every recorded change and the next index; a reduce: the changes before it and an add at its own index.
    const lastIndex = leg === "close" ? signal.fills.length : leg.index - 1;
    for (let index = 1; index <= lastIndex; index++) {
      const fill = signal.fills[index];
      for (const kind of ["add", "reduce"] as const) {
        const recorded = fill !== undefined && (fill.kind === "entry") === (kind === "add");
        candidates.push({ kind, index, recorded });
      }
    }
    if (leg !== "close") candidates.push({ kind: "add", index: leg.index, recorded: false });
    const lookup = (kind: "open" | "add" | "reduce", orderLeg: OrderLeg) =>
      findOrder(client, ccxt, market.symbol, clientOrderId(signal.id, orderLeg)).then((order) =>
        heldBy(client, ccxt, market, signal, kind, order),
      );
    const [opened, ...changed] = await Promise.all([
      lookup("open", "open"),
      ...candidates.map((candidate) =>
        lookup(candidate.kind, { kind: candidate.kind, index: candidate.index }),
      ),
    ]);
    const openQuantity = opened ?? modelQuantity(signal, signal.priceOpen);
    if (openQuantity === null) throw unsized(signal, leg);
    const first = signal.fills[0];
    const firstCost = first?.kind === "entry" && first.cost > 0 ? first.cost : 1;
    let held = openQuantity;
    candidates.forEach((candidate, position) => {
      const found = changed[position] ?? null;
      const fill = signal.fills[candidate.index];
      if (found !== null) {
        held += candidate.kind === "add" ? found : -found;
      } else if (candidate.recorded && fill?.kind === "entry") {
        // Recorded but not found at the venue: the model's size (cost at its price, or first-entry units).
        const price = fill.executedPrice ?? fill.price;
        held += signal.cost === null ? (openQuantity * fill.cost) / firstCost : fill.cost / price;
      } else if (candidate.recorded && fill?.kind === "exit") {
        held -= held * fill.fraction;
      }
    });
    return held;
  };

  /**
   * Base quantity of a leg before precision: the open the signal's size; an add its cost over `price`
   * (for an unsized signal, its cost in units of the first entry times the open's fill); a reduce its
   * fraction of what is held; the close everything held.
   */
  const legQuantity = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    signal: ISignalRow,
    leg: Leg,
    price: number,
  ): Promise<number> => {
    if (leg === "open") {
      const quantity = modelQuantity(signal, price);
      if (quantity === null) throw unsized(signal, leg);
      return quantity;
    }
    if (leg !== "close" && leg.kind === "add") {
      if (signal.cost !== null && signal.cost > 0) return leg.cost / price;
      const opened = await findOrder(client, ccxt, market.symbol, clientOrderId(signal.id, "open"));
      const openQuantity = isFinitePositive(opened?.filled)
        ? opened.filled
        : modelQuantity(signal, signal.priceOpen);
      if (openQuantity === null) throw unsized(signal, leg);
      const first = signal.fills[0];
      const firstCost = first?.kind === "entry" && first.cost > 0 ? first.cost : 1;
      return (openQuantity * leg.cost) / firstCost;
    }
    const held = await heldBefore(client, ccxt, market, signal, leg);
    if (!(held > 0)) {
      throw brokerError(
        `signal ${signal.id} holds ${describeValue(held)} ${market.base} at the venue: nothing to ${legLabel(leg)}`,
        false,
        undefined,
        "quantity",
        held,
      );
    }
    return leg === "close" ? held : held * leg.fraction;
  };

  /**
   * `quantity` in base units as the venue takes it: cut to the market's amount precision (ccxt truncates)
   * and at least the market's minimum order size.
   * @throws BtError BROKER (not retryable) naming field "quantity" with the value when it is not.
   */
  const orderAmount = (client: CcxtClient, market: CcxtMarket, quantity: number, what: string): number => {
    const refused = (value: unknown, why: string, cause?: unknown) =>
      brokerError(
        `${what}: quantity ${describeValue(value)} ${why}; not placed`,
        false,
        cause,
        "quantity",
        value,
      );
    if (!isFinitePositive(quantity)) throw refused(quantity, "is not a positive number");
    let amount: number;
    try {
      // Sums of fills carry float noise (0.02 − 0.00002 = 0.019979999…): 12 significant digits first, so
      // truncating to the lot step does not drop a whole step of what is held.
      const normalized = Number(quantity.toPrecision(12));
      amount = Number(client.amountToPrecision(market.symbol, normalized));
    } catch (error) {
      throw refused(
        quantity,
        `does not fit ${market.symbol}'s amount precision (${errorMessage(error)})`,
        error,
      );
    }
    const minimum = market.limits?.amount?.min;
    if (!(amount > 0) || (isFinitePositive(minimum) && amount < minimum)) {
      throw refused(
        quantity,
        `is below ${market.symbol}'s minimum order size ${describeValue(minimum ?? 0)} ${market.base}`,
      );
    }
    return amount;
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

  /** Why a size change cannot be placed as asked (field and value), or null when it can. */
  const changeProblem = (change: BrokerPositionChange): [string, unknown, string] | null => {
    if (!Number.isInteger(change.index) || change.index < 1) {
      return ["index", change.index, "an integer ≥ 1 (the fill's index in the signal's fills)"];
    }
    if (change.kind === "add") {
      return isFinitePositive(change.cost) ? null : ["cost", change.cost, "a finite positive number"];
    }
    if (change.kind === "reduce") {
      const { fraction } = change;
      return Number.isFinite(fraction) && fraction > 0 && fraction < 1
        ? null
        : ["fraction", fraction, "a number in (0, 1)"];
    }
    const kind: unknown = (change as { kind?: unknown }).kind;
    return ["kind", kind, `"add" or "reduce"`];
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
    if (typeof leg !== "string") {
      const problem = changeProblem(leg);
      if (problem !== null) {
        const [field, value, expected] = problem;
        throw brokerError(
          `size change of ${signal.id}: ${field} must be ${expected}, got ${describeValue(value)}`,
          false,
          undefined,
          field,
          value,
        );
      }
    }
    const id = clientOrderId(signal.id, orderLegOf(leg));
    const kind = typeof leg === "string" ? leg : leg.kind;
    const side = increasesPosition(kind) === (signal.position === "long") ? "buy" : "sell";
    const what = `${legLabel(leg)} ${side} ${orderType} order ${id}`;
    const { client, ccxt, market } = await resolveMarket(signal.symbol);
    try {
      return await withRetry(
        async () => {
          // Look first: after a crash, a lost response or a timeout the order may already exist.
          let order = await findOrder(client, ccxt, market.symbol, id);
          if (order === null) {
            const quantity = await legQuantity(client, ccxt, market, signal, leg, price);
            const amount = orderAmount(client, market, quantity, `${what} on ${market.symbol}`);
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
        `${what} on ${market.symbol}`,
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
          // Only open legs are positions: add (bta…) and reduce (btr…) orders change one, their ids
          // carry their own prefix and never match OPEN_PREFIX or CLOSE_PREFIX.
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
    changePosition: (signal, change, price) => execute(signal, price, change),
    orderState,
    openPositions,
  };
}
