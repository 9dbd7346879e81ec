// One lazily created ccxt instance with its markets loaded once (retried on transient failures)
// and the symbol mapping shared by the exchange and the broker: "BTC/USDT" or the market id "BTCUSDT".

import { BtError } from "@bt/core";
import {
  type CcxtClient,
  type CcxtExchangeOptions,
  type CcxtMarket,
  type CcxtModule,
  createCcxtClient,
} from "./ccxtClient";
import { errorClassName, errorMessage, isTransientCcxtError } from "./ccxtErrors";
import { withRetry } from "./retry";

/** A ready client, the ccxt module and one resolved market. */
export interface CcxtMarketHandle {
  client: CcxtClient;
  ccxt: CcxtModule;
  market: CcxtMarket;
}

/** Settings of a session: which exchange, how to build it, how to retry loading markets. */
export interface CcxtSessionOptions {
  exchangeId: string;
  options: CcxtExchangeOptions;
  /** Adapter name used as the prefix of error messages, e.g. "ccxt:binance". */
  adapter: string;
  retries: number;
  backoffMs: number;
}

/** A lazily connected ccxt instance with cached markets. */
export interface CcxtSession {
  /** The client and module, created on the first call. */
  connect(): Promise<{ client: CcxtClient; ccxt: CcxtModule }>;
  /**
   * The market of `symbol` ("BTC/USDT" unified symbol or "BTCUSDT" market id), loading markets once.
   * @throws BtError EXCHANGE for an unknown symbol or when the markets cannot be loaded.
   */
  resolve(symbol: string): Promise<CcxtMarketHandle>;
}

/** Finds a market by unified symbol first, then by exchange id (spot preferred), then upper-cased. */
function findMarket(client: CcxtClient, symbol: string): CcxtMarket | undefined {
  for (const candidate of symbol === symbol.toUpperCase() ? [symbol] : [symbol, symbol.toUpperCase()]) {
    const bySymbol = client.markets?.[candidate];
    if (bySymbol !== undefined) return bySymbol;
    const byId = client.markets_by_id?.[candidate];
    if (byId !== undefined && byId.length > 0) return byId.find((market) => market.spot === true) ?? byId[0];
  }
  return undefined;
}

/** Creates a session; nothing is imported or fetched until the first call. */
export function createCcxtSession(settings: CcxtSessionOptions): CcxtSession {
  const { adapter } = settings;
  let connecting: Promise<{ client: CcxtClient; ccxt: CcxtModule }> | undefined;
  let marketsLoading: Promise<void> | undefined;

  const connect = (): Promise<{ client: CcxtClient; ccxt: CcxtModule }> => {
    if (connecting === undefined) {
      connecting = createCcxtClient(settings.exchangeId, settings.options, adapter).catch(
        (error: unknown) => {
          connecting = undefined;
          throw error;
        },
      );
    }
    return connecting;
  };

  const loadMarkets = async (client: CcxtClient, ccxt: CcxtModule): Promise<void> => {
    try {
      // ccxt keeps a rejected loadMarkets promise until asked to reload, so retries pass reload=true.
      await withRetry((attempt) => client.loadMarkets(attempt > 0), {
        retries: settings.retries,
        backoffMs: settings.backoffMs,
        shouldRetry: (error) => isTransientCcxtError(ccxt, error),
      });
    } catch (error) {
      throw new BtError(
        "EXCHANGE",
        `${adapter}: loading markets failed (${errorClassName(error)}: ${errorMessage(error)})`,
        { adapter, retryable: isTransientCcxtError(ccxt, error), cause: error },
      );
    }
  };

  const resolve = async (symbol: string): Promise<CcxtMarketHandle> => {
    const { client, ccxt } = await connect();
    if (marketsLoading === undefined) {
      marketsLoading = loadMarkets(client, ccxt).catch((error: unknown) => {
        marketsLoading = undefined;
        throw error;
      });
    }
    await marketsLoading;
    const market = findMarket(client, symbol);
    if (market === undefined) {
      throw new BtError("EXCHANGE", `${adapter}: unknown symbol "${symbol}"`, {
        field: "symbol",
        value: symbol,
        adapter,
      });
    }
    return { client, ccxt, market };
  };

  return { connect, resolve };
}
