// Resolving the strategy of a sweep to a factory: the in-memory `factory`, or the `exportName` export
// (default `"default"`) of the `module` file, loaded once per thread and path.

import { BtError, describeValue } from "@bt/core";
import type { ISweepStrategy, StrategyFactory } from "./sweepTypes";
import { importUserModule, moduleUrl } from "./typeScriptLoader";

const cache = new Map<string, Promise<StrategyFactory>>();

async function loadFactory(
  path: string,
  exportName: string,
  root: string | undefined,
): Promise<StrategyFactory> {
  const namespace = await importUserModule(path, "strategy module", root);
  const factory = namespace[exportName];
  if (typeof factory !== "function") {
    throw new BtError(
      "CONFIG",
      `cluster: the strategy module ${path} must export a factory function (params) => strategy schema as ${describeValue(exportName)}, got ${describeValue(factory)}`,
      { field: "strategy.exportName", value: exportName },
    );
  }
  return factory as StrategyFactory;
}

/**
 * The factory of `strategy`: its `factory`, else its module's export (cached per thread).
 * @throws BtError CONFIG when neither is usable.
 */
export async function resolveStrategyFactory<P extends object>(
  strategy: ISweepStrategy<P>,
  root?: string,
): Promise<StrategyFactory<P>> {
  if (strategy.factory !== undefined) return strategy.factory;
  if (typeof strategy.module !== "string" || strategy.module.length === 0) {
    throw new BtError(
      "CONFIG",
      "sweep: the strategy needs a `module` path (or, for sequential runs, a `factory`)",
      {
        field: "strategy.module",
        value: strategy.module,
      },
    );
  }
  const exportName = strategy.exportName ?? "default";
  const key = `${moduleUrl(strategy.module, root)}#${exportName}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = loadFactory(strategy.module, exportName, root);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return (await pending) as StrategyFactory<P>;
}
