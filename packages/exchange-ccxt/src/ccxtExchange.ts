// createCcxtExchange: an IExchangeSchema backed by ccxt. Candles via fetchOHLCV, paginated over long
// ranges within the venue's per-request limit and retried on transient errors; price and quantity
// formatting from the market's precision (markets loaded once per instance).

import {
  BtError,
  type CandleInterval,
  describeValue,
  type ICandleData,
  type IExchangeSchema,
  intervalToMs,
} from "@bt/core";
import { candleFromRow } from "./ccxtCandle";
import type { CcxtExchangeOptions } from "./ccxtClient";
import { errorClassName, errorMessage, isTransientCcxtError } from "./ccxtErrors";
import { createCcxtSession } from "./ccxtSession";
import { withRetry } from "./retry";

/** Largest number of candles per fetchOHLCV request of some venues; others default to 500. */
const KNOWN_PAGE_LIMITS: Readonly<Record<string, number>> = {
  binance: 1000,
  binanceus: 1000,
  binanceusdm: 1000,
  binancecoinm: 1000,
  bybit: 1000,
  kucoin: 1500,
  kraken: 720,
  coinbase: 300,
  okx: 100,
};
const DEFAULT_PAGE_LIMIT = 500;

/** Settings of createCcxtExchange. */
export interface CcxtExchangeSettings {
  /** ccxt exchange id, e.g. "binance". */
  exchangeId: string;
  /** ccxt constructor settings (keys, timeout, URL overrides, exchange options). */
  options?: CcxtExchangeOptions;
  /** Name the schema is registered under; default `exchangeId`. */
  exchangeName?: string;
  /** Free text for reports. */
  note?: string;
  /** Candles per request, at most the venue's maximum (binance 1000); default from a table, else 500. */
  pageLimit?: number;
  /** Extra attempts per request on transient errors (network, timeouts, 429/418, 5xx); default 3. */
  retries?: number;
  /** Delay before the first retry in ms, doubled on each further one; default 500. */
  backoffMs?: number;
  /** Clock in epoch ms used to drop the still-forming candle; default Date.now. */
  now?: () => number;
}

/** An exchange schema whose precision formatting is always available. */
export interface CcxtExchange extends IExchangeSchema {
  /** The ccxt exchange id this schema reads from. */
  readonly exchangeId: string;
  formatPrice(symbol: string, price: number): Promise<string>;
  formatQuantity(symbol: string, quantity: number): Promise<string>;
}

/** Throws BtError VALIDATION unless `value` is a positive integer. */
function assertPositiveInteger(value: number, field: string, adapter: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new BtError(
      "VALIDATION",
      `${adapter}: ${field} must be a positive integer, got ${describeValue(value)}`,
      {
        field,
        value,
        adapter,
      },
    );
  }
}

/**
 * An exchange schema reading candles and market precision through ccxt.
 * Symbols may be given as unified symbols ("BTC/USDT") or exchange market ids ("BTCUSDT").
 * @throws BtError VALIDATION for a bad pageLimit, retries or backoffMs.
 * @example
 * addExchange(createCcxtExchange({ exchangeId: "binance" }));
 */
export function createCcxtExchange(settings: CcxtExchangeSettings): CcxtExchange {
  const { exchangeId } = settings;
  const adapter = `ccxt:${exchangeId}`;
  const pageLimit = settings.pageLimit ?? KNOWN_PAGE_LIMITS[exchangeId] ?? DEFAULT_PAGE_LIMIT;
  const retries = settings.retries ?? 3;
  const backoffMs = settings.backoffMs ?? 500;
  const now = settings.now ?? Date.now;
  assertPositiveInteger(pageLimit, "pageLimit", adapter);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new BtError("VALIDATION", `${adapter}: retries must be a non-negative integer, got ${retries}`, {
      field: "retries",
      value: retries,
      adapter,
    });
  }
  if (!(backoffMs >= 0)) {
    throw new BtError("VALIDATION", `${adapter}: backoffMs must be >= 0, got ${backoffMs}`, {
      field: "backoffMs",
      value: backoffMs,
      adapter,
    });
  }
  const session = createCcxtSession({
    exchangeId,
    options: settings.options ?? {},
    adapter,
    retries,
    backoffMs,
  });

  const getCandles = async (
    symbol: string,
    interval: CandleInterval,
    since: Date,
    limit: number,
  ): Promise<ICandleData[]> => {
    const intervalMs = intervalToMs(interval);
    const sinceMs = since instanceof Date ? since.getTime() : Number.NaN;
    if (!Number.isFinite(sinceMs)) {
      throw new BtError("VALIDATION", `${adapter}: since must be a valid Date, got ${describeValue(since)}`, {
        field: "since",
        value: since,
        adapter,
      });
    }
    if (limit === 0) return [];
    assertPositiveInteger(limit, "limit", adapter);
    const { client, ccxt, market } = await session.resolve(symbol);
    const origin = { adapter, symbol, interval, intervalMs };
    // A candle is closed once its whole interval lies in the past; the forming one is never returned.
    const closedUntil = now();
    const candles: ICandleData[] = [];
    let cursor = sinceMs;
    while (candles.length < limit) {
      const pageSize = Math.min(pageLimit, limit - candles.length);
      const pageSince = cursor;
      let rows: unknown[];
      try {
        rows = await withRetry(() => client.fetchOHLCV(market.symbol, interval, pageSince, pageSize), {
          retries,
          backoffMs,
          shouldRetry: (error) => isTransientCcxtError(ccxt, error),
        });
      } catch (error) {
        throw new BtError(
          "EXCHANGE",
          `${adapter}: fetching ${interval} candles of ${symbol} from ${new Date(pageSince).toISOString()} failed (${errorClassName(error)}: ${errorMessage(error)})`,
          {
            adapter,
            field: "symbol",
            value: symbol,
            retryable: isTransientCcxtError(ccxt, error),
            cause: error,
          },
        );
      }
      if (!Array.isArray(rows)) rows = [];
      const page = rows.map((row) => candleFromRow(row, origin)).sort((a, b) => a.timestamp - b.timestamp);
      let reachedNow = false;
      for (const candle of page) {
        const previous = candles[candles.length - 1];
        if (candle.timestamp < pageSince) continue;
        if (previous !== undefined && candle.timestamp <= previous.timestamp) continue;
        if (candle.timestamp + intervalMs > closedUntil) {
          reachedNow = true;
          break;
        }
        candles.push(candle);
        if (candles.length === limit) break;
      }
      const lastRow = page[page.length - 1];
      // A short page means the venue has nothing more in this range.
      if (reachedNow || lastRow === undefined || rows.length < pageSize) break;
      const nextCursor = lastRow.timestamp + intervalMs;
      if (nextCursor <= cursor) break;
      cursor = nextCursor;
    }
    return candles;
  };

  const format = async (kind: "price" | "quantity", symbol: string, value: number): Promise<string> => {
    if (!Number.isFinite(value) || value < 0) {
      throw new BtError(
        "VALIDATION",
        `${adapter}: ${kind} must be a finite non-negative number, got ${value}`,
        {
          field: kind,
          value,
          adapter,
        },
      );
    }
    const { client, market } = await session.resolve(symbol);
    try {
      return kind === "price"
        ? client.priceToPrecision(market.symbol, value)
        : client.amountToPrecision(market.symbol, value);
    } catch (error) {
      throw new BtError(
        "EXCHANGE",
        `${adapter}: cannot format ${kind} ${value} for ${symbol} (${errorClassName(error)}: ${errorMessage(error)})`,
        { adapter, field: kind, value, cause: error },
      );
    }
  };

  return {
    exchangeName: settings.exchangeName ?? exchangeId,
    ...(settings.note === undefined ? {} : { note: settings.note }),
    exchangeId,
    getCandles,
    formatPrice: (symbol, price) => format("price", symbol, price),
    formatQuantity: (symbol, quantity) => format("quantity", symbol, quantity),
  };
}
