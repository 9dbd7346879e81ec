// Writes a backtest's signal lifecycle into a store in the records of the live keyspace, under the
// backtest namespace: the same shapes Live writes (so readLiveState reads them back with mode
// "backtest"), never the keys a live run of the same strategy uses.

import type { IStrategyTickResult, IStrategyTickResultOpened } from "@bt/core";
import { closedKey, type IRunIdentity, records, runKeys } from "./liveKeyspace";
import { type AnyPersistAdapter, persistV2 } from "./persistView";

/** Records the results of one backtest run. */
export interface IBacktestRecorder {
  /** Makes the result's record change durable (idle and active results change nothing; updated ones rewrite the position). */
  record(result: IStrategyTickResult): Promise<void>;
}

/**
 * A recorder of the backtest of (symbol, strategyName, exchangeName) into `persist` (contract v1 or v2):
 * scheduled and open signals are written, closed ones move to the closed history, cancelled ones are
 * removed. Read it back with `readLiveState(persist, symbol, strategyName, exchangeName, "backtest")`.
 * @throws BtError PERSIST (from record) when the store fails.
 * @example const recorder = createBacktestRecorder(persist, { symbol: "BTCUSDT", strategyName: "sma", exchangeName: "file" });
 */
export function createBacktestRecorder(
  persist: AnyPersistAdapter,
  run: Omit<IRunIdentity, "mode">,
): IBacktestRecorder {
  const store = persistV2(persist);
  const keys = runKeys({ ...run, mode: "backtest" });
  const key = keys.run;
  /** The opened result of the open position (its record is rewritten on each change). */
  let opened: IStrategyTickResultOpened | null = null;
  return {
    async record(result) {
      switch (result.action) {
        case "scheduled":
          await store.write("scheduled", key, records.scheduled(result.signal, result));
          return;
        case "opened":
          opened = result;
          await store.batch([
            { op: "write", entity: "position", key, value: records.open(result.signal, result, null) },
            { op: "delete", entity: "scheduled", key },
          ]);
          return;
        case "closed":
          await store.batch([
            {
              op: "write",
              entity: "closed",
              key: closedKey(keys, result.timestamp),
              value: records.closed(result),
            },
            { op: "delete", entity: "position", key },
          ]);
          return;
        case "updated":
          await store.write(
            "position",
            key,
            records.open(result.signal, opened ?? { ...result, action: "opened" }, null),
          );
          return;
        case "cancelled":
          await store.delete("scheduled", key);
          return;
        case "idle":
        case "active":
          return;
        default: {
          const unreachable: never = result;
          return unreachable;
        }
      }
    },
  };
}
