// createCcxtBroker: an IBroker placing market (or limit) orders through ccxt. Every order carries the
// deterministic clientOrderId of its signal leg; before placing, the broker looks the order up by that id,
// and a duplicate-id rejection is answered by fetching the existing order, so a retry never trades twice.

import {
  BtError,
  type CloseReason,
  clientOrderId,
  describeValue,
  type IBroker,
  type IBrokerFill,
  type ISignalRow,
} from "@bt/core";
import type { CcxtClient, CcxtExchangeOptions, CcxtMarket, CcxtModule, CcxtOrder } from "./ccxtClient";
import {
  errorClassName,
  errorMessage,
  isDuplicateOrderError,
  isOrderNotFoundError,
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
  /** How long to wait for an accepted order to fill before reporting it pending, in ms; default 30 000. */
  fillTimeoutMs?: number;
  /** Interval between order status polls while waiting for a fill, in ms; default 1 000. */
  pollIntervalMs?: number;
  /** Clock in epoch ms, used when the venue reports no fill time; default Date.now. */
  now?: () => number;
}

type Leg = "open" | "close";

/** Resolves after `delayMs` milliseconds. */
function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
}

/** Sum of the fees of `order` paid in `currency`, or undefined when none is reported in it. */
function feeIn(order: CcxtOrder, currency: string): number | undefined {
  const fees = order.fees !== undefined && order.fees.length > 0 ? order.fees : order.fee ? [order.fee] : [];
  let total: number | undefined;
  for (const fee of fees) {
    if (fee.currency === currency && typeof fee.cost === "number" && Number.isFinite(fee.cost)) {
      total = (total ?? 0) + fee.cost;
    }
  }
  return total;
}

/**
 * A broker executing signals on a ccxt exchange. Long opens buy and closes sell; short opens sell and
 * closes buy. Take profit and stop loss are decided by the engine, which calls closePosition: no
 * exchange-side OCO or stop orders are placed in spec version 1.
 * @example
 * const broker = createCcxtBroker({ exchangeId: "binance", options: { apiKey, secret } });
 */
export function createCcxtBroker(settings: CcxtBrokerSettings): IBroker {
  const { exchangeId } = settings;
  const name = `ccxt:${exchangeId}`;
  const orderType = settings.orderType ?? "market";
  const retries = settings.retries ?? 2;
  const backoffMs = settings.backoffMs ?? 500;
  const fillTimeoutMs = settings.fillTimeoutMs ?? 30_000;
  const pollIntervalMs = settings.pollIntervalMs ?? 1_000;
  const now = settings.now ?? Date.now;
  const session = createCcxtSession({
    exchangeId,
    options: settings.options ?? {},
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

  /** The order carrying `id`, or null when the venue has none. */
  const findOrder = async (client: CcxtClient, ccxt: CcxtModule, symbol: string, id: string) => {
    try {
      // ccxt maps clientOrderId to each venue's parameter (origClientOrderId on Binance).
      return await client.fetchOrder(undefined, symbol, { clientOrderId: id });
    } catch (error) {
      if (isOrderNotFoundError(ccxt, error)) return null;
      throw error;
    }
  };

  /** The fill of an order, polling while it is still open. */
  const awaitFill = async (
    client: CcxtClient,
    ccxt: CcxtModule,
    market: CcxtMarket,
    id: string,
    placed: CcxtOrder,
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
    if (!(filled > 0)) {
      throw brokerError(
        `order ${id} on ${market.symbol} ended ${order.status ?? "unknown"} without a fill`,
        false,
      );
    }
    const price =
      order.average ??
      (order.cost !== undefined && order.cost > 0 ? order.cost / filled : undefined) ??
      order.price;
    if (price === undefined || !(price > 0) || !Number.isFinite(price)) {
      throw brokerError(`order ${id} on ${market.symbol} filled but reports no price`, true);
    }
    const feeQuote = feeIn(order, market.quote);
    return {
      orderId: String(order.id),
      clientOrderId: order.clientOrderId ?? id,
      price,
      quantity: filled,
      filledAt: order.lastTradeTimestamp ?? order.timestamp ?? now(),
      ...(feeQuote === undefined ? {} : { feeQuote }),
    };
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
      if (opened !== null && opened.filled !== undefined && opened.filled > 0) {
        // A long pays fees in the base asset on some venues: close only what is actually held.
        const baseFee = signal.position === "long" ? (feeIn(opened, market.base) ?? 0) : 0;
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
    let handle: Awaited<ReturnType<typeof session.resolve>>;
    try {
      handle = await session.resolve(signal.symbol);
    } catch (error) {
      if (BtError.isInstance(error)) throw brokerError(error.message, error.retryable, error);
      throw brokerError(`cannot reach ${exchangeId} (${errorMessage(error)})`, true, error);
    }
    const { client, ccxt, market } = handle;
    try {
      return await withRetry(
        async () => {
          // Look first: after a crash or a lost response the order may already exist.
          let order = await findOrder(client, ccxt, market.symbol, id);
          if (order === null) {
            const amount = await legQuantity(client, ccxt, market, signal, leg, price);
            try {
              order = await client.createOrder(
                market.symbol,
                orderType,
                side,
                amount,
                orderType === "limit" ? price : undefined,
                { clientOrderId: id },
              );
            } catch (error) {
              if (!isDuplicateOrderError(ccxt, error)) throw error;
              order = await findOrder(client, ccxt, market.symbol, id);
              if (order === null)
                throw brokerError(`order ${id} reported duplicate but cannot be found`, true, error);
            }
          }
          return await awaitFill(client, ccxt, market, id, order);
        },
        {
          retries,
          backoffMs,
          shouldRetry: (error) => !BtError.isInstance(error) && isUnknownOrderOutcome(ccxt, error),
        },
      );
    } catch (error) {
      if (BtError.isInstance(error)) throw error;
      const retryable = isUnknownOrderOutcome(ccxt, error);
      const what = `${leg} ${side} ${orderType} order ${id} on ${market.symbol}`;
      throw brokerError(
        retryable
          ? `${what}: outcome unknown (${errorClassName(error)}: ${errorMessage(error)}); retry with the same signal`
          : `${what} rejected (${errorClassName(error)}: ${errorMessage(error)})`,
        retryable,
        error,
      );
    }
  };

  return {
    name,
    specVersion: 1,
    openPosition: (signal, price) => execute(signal, price, "open"),
    closePosition: (signal: ISignalRow, price: number, _reason: CloseReason) =>
      execute(signal, price, "close"),
  };
}
