// Lazy loading of ccxt and the narrow slice of a ccxt exchange instance that the adapters use.
// ccxt is heavy, so it is imported on the first call and shared by every adapter instance; its own
// loose types stay inside this package behind CcxtClient.

import { BtError } from "@bt/core";

/** Constructor settings handed to the ccxt exchange class: `new ccxt[exchangeId](options)`. */
export interface CcxtExchangeOptions {
  /** API key; required by the broker, not by candles or precision. */
  apiKey?: string;
  /** API secret; required by the broker. */
  secret?: string;
  /** API passphrase, for venues that use one. */
  password?: string;
  /** Request timeout in ms (ccxt default 10 000). */
  timeout?: number;
  /** ccxt's built-in request throttling (default true). */
  enableRateLimit?: boolean;
  /** URL overrides, deep-merged by ccxt, e.g. `{ api: { public: "http://127.0.0.1:8080/api/v3" } }`. */
  urls?: Record<string, unknown>;
  /** Exchange-specific ccxt options, e.g. `{ fetchCurrencies: false, fetchMarkets: { types: ["spot"] } }`. */
  options?: Record<string, unknown>;
  /** Any other ccxt constructor setting. */
  [setting: string]: unknown;
}

/** The subset of a ccxt market the adapters read. */
export interface CcxtMarket {
  id: string;
  symbol: string;
  base: string;
  quote: string;
  type?: string;
  spot?: boolean;
  /** The venue's order size limits in base units (Binance's LOT_SIZE filter), when it reports them. */
  limits?: { amount?: { min?: number; max?: number } };
}

/** One fee entry of a ccxt order. */
export interface CcxtFee {
  cost?: number;
  currency?: string;
}

/** The subset of a ccxt unified order the broker reads. */
export interface CcxtOrder {
  id: string;
  clientOrderId?: string;
  status?: string;
  side?: string;
  price?: number;
  average?: number;
  amount?: number;
  filled?: number;
  cost?: number;
  timestamp?: number;
  lastTradeTimestamp?: number;
  fee?: CcxtFee;
  fees?: CcxtFee[];
  trades?: CcxtTrade[];
}

/** The subset of a ccxt unified trade (one execution of an order) the broker reads. */
export interface CcxtTrade {
  id?: string;
  order?: string;
  symbol?: string;
  side?: string;
  price?: number;
  amount?: number;
  cost?: number;
  timestamp?: number;
  fee?: CcxtFee;
  fees?: CcxtFee[];
}

/** The methods and fields of a ccxt exchange instance the adapters call. */
export interface CcxtClient {
  readonly id: string;
  markets?: Record<string, CcxtMarket>;
  markets_by_id?: Record<string, CcxtMarket[]>;
  loadMarkets(reload?: boolean): Promise<Record<string, CcxtMarket>>;
  fetchOHLCV(
    symbol: string,
    timeframe: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<unknown[]>;
  priceToPrecision(symbol: string, price: number): string;
  amountToPrecision(symbol: string, amount: number): string;
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrder>;
  fetchOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<CcxtOrder>;
  fetchOpenOrders(
    symbol: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrder[]>;
  fetchClosedOrders(
    symbol: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrder[]>;
  fetchOrders(
    symbol: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtOrder[]>;
  fetchMyTrades(
    symbol: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<CcxtTrade[]>;
  /** Which unified methods the venue supports (ccxt's `has`), e.g. `has.fetchMyTrades`. */
  readonly has: Record<string, boolean | string | undefined>;
}

/** The ccxt module namespace (error classes, exchange classes). */
export type CcxtModule = typeof import("ccxt");

let ccxtModulePromise: Promise<CcxtModule> | undefined;

/** Imports ccxt once per process; a failed import is retried on the next call. */
export function loadCcxt(): Promise<CcxtModule> {
  if (ccxtModulePromise === undefined) {
    ccxtModulePromise = import("ccxt").catch((error: unknown) => {
      ccxtModulePromise = undefined;
      throw error;
    });
  }
  return ccxtModulePromise;
}

/**
 * A new ccxt instance of `exchangeId` configured with `options`.
 * @throws BtError CONFIG when ccxt has no exchange of that id.
 */
export async function createCcxtClient(
  exchangeId: string,
  options: CcxtExchangeOptions,
  adapter: string,
): Promise<{ client: CcxtClient; ccxt: CcxtModule }> {
  const ccxt = await loadCcxt();
  const classes = ccxt.exchanges as unknown as Record<string, unknown>;
  const ExchangeClass = Object.hasOwn(classes, exchangeId) ? classes[exchangeId] : undefined;
  if (typeof ExchangeClass !== "function") {
    throw new BtError("CONFIG", `${adapter}: ccxt has no exchange "${exchangeId}"`, {
      field: "exchangeId",
      value: exchangeId,
      adapter,
    });
  }
  const client = new (ExchangeClass as new (config: CcxtExchangeOptions) => CcxtClient)(options);
  return { client, ccxt };
}
