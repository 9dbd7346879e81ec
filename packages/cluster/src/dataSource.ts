// Loading 1m candle columns of a symbol from a serialisable data source: a directory of candle files
// (@bt/exchange-file) or a module exporting `(symbol) => ICandleColumns`. Results are cached per
// process and source so a worker loads each symbol once.

import type { ICandleColumns } from "@bt/core";
import { BtError, describeValue } from "@bt/core";
import { createFileExchange } from "@bt/exchange-file";
import type { SweepDataSource } from "./sweepTypes";
import { importUserModule } from "./typeScriptLoader";

const cache = new Map<string, Promise<ICandleColumns>>();

async function load(
  source: SweepDataSource,
  symbol: string,
  root: string | undefined,
): Promise<ICandleColumns> {
  if (source.type === "file") {
    return createFileExchange({ dir: source.dir }).getColumns(symbol, "1m");
  }
  if (source.type === "module") {
    const exportName = source.exportName ?? "default";
    const namespace = await importUserModule(source.path, "candle module", root);
    const loader = namespace[exportName];
    if (typeof loader !== "function") {
      throw new BtError(
        "CONFIG",
        `cluster: the candle module ${source.path} must export (symbol) => candle columns as ${describeValue(exportName)}, got ${describeValue(loader)}`,
        { field: "dataSource.exportName", value: exportName },
      );
    }
    return (await loader(symbol)) as ICandleColumns;
  }
  throw new BtError("CONFIG", `cluster: unknown data source ${describeValue(source)}`, {
    field: "dataSource",
    value: source,
  });
}

/**
 * The 1m columns of `symbol` from `source` (cached per process; a failed load is retried next time).
 * @throws BtError CONFIG for an unusable source, CANDLES / EXCHANGE from the file reader.
 */
export function loadSourceColumns(
  source: SweepDataSource,
  symbol: string,
  root?: string,
): Promise<ICandleColumns> {
  const key = JSON.stringify([source, symbol, root ?? process.cwd()]);
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = load(source, symbol, root);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
