// An exchange schema over in-memory 1m candle columns (shared or not): batches are read by binary search
// on the timestamp column; higher intervals are aggregated from 1m once per interval. Each worker wraps
// the shared columns in one of these for its own engine instance; getCandleColumns hands the engine views
// of them (no copy, still shared across threads).

import {
  aggregateBucketsKeepingGaps,
  type CandleInterval,
  type ICandleColumns,
  type IExchangeSchema,
  intervalToMs,
  MINUTE_MS,
  sliceCandleColumns,
} from "@bt/core";
import { columnsToCandles, lowerBound } from "@bt/exchange-file";

/**
 * An IExchangeSchema named `exchangeName` serving the 1m columns of each symbol (and aggregates of them).
 * @example engine.addExchange(createColumnExchange("sweep", { BTCUSDT: columns }));
 */
export function createColumnExchange(
  exchangeName: string,
  columnsBySymbol: Readonly<Record<string, ICandleColumns>>,
): IExchangeSchema {
  const aggregated = new Map<string, ICandleColumns>();
  const columnsFor = (symbol: string, interval: CandleInterval): ICandleColumns | undefined => {
    const minute = Object.hasOwn(columnsBySymbol, symbol) ? columnsBySymbol[symbol] : undefined;
    if (minute === undefined || interval === "1m") return minute;
    const key = `${symbol}\u0000${interval}`;
    let columns = aggregated.get(key);
    if (columns === undefined) {
      columns = aggregateBucketsKeepingGaps(minute, MINUTE_MS, intervalToMs(interval));
      aggregated.set(key, columns);
    }
    return columns;
  };
  return {
    exchangeName,
    async getCandles(symbol, interval, since, limit) {
      const columns = columnsFor(symbol, interval);
      if (columns === undefined) return [];
      const from = lowerBound(columns.timestamp, since.getTime());
      return columnsToCandles(columns, from, Math.min(columns.timestamp.length, from + limit));
    },
    async getCandleColumns(symbol, fromMs, toMs) {
      const columns = columnsFor(symbol, "1m");
      if (columns === undefined) return null;
      const from = lowerBound(columns.timestamp, fromMs);
      return sliceCandleColumns(columns, from, Math.max(from, lowerBound(columns.timestamp, toMs)));
    },
  };
}
