// Where a sweep's candles come from on the coordinating side: in-memory 1m columns per symbol, or a
// serialisable data source loaded here once per symbol.

import type { ICandleColumns } from "@bt/core";
import { BtError, describeValue } from "@bt/core";
import { loadSourceColumns } from "./dataSource";
import type { SweepDataSource } from "./sweepTypes";

/** Candle input of a sweep: `columns` wins for the symbols it has; `dataSource` serves the others. */
export interface ISweepDataOptions {
  /** 1m candle columns per symbol, e.g. from exchange-file's getColumns or a generator. */
  columns?: Readonly<Record<string, ICandleColumns>>;
  /** Serialisable source (files or a candle module), required for cluster runs. */
  dataSource?: SweepDataSource;
}

/**
 * The 1m columns of `symbol`.
 * @throws BtError CONFIG when neither `columns` nor `dataSource` covers the symbol.
 */
export async function sweepColumns(data: ISweepDataOptions, symbol: string): Promise<ICandleColumns> {
  const columns = data.columns && Object.hasOwn(data.columns, symbol) ? data.columns[symbol] : undefined;
  if (columns !== undefined) return columns;
  if (data.dataSource !== undefined) return loadSourceColumns(data.dataSource, symbol);
  throw new BtError(
    "CONFIG",
    `sweep: no candles for ${describeValue(symbol)}: give columns[${JSON.stringify(symbol)}] or a dataSource`,
    { field: "columns", value: symbol },
  );
}
