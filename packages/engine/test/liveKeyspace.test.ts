// The live keyspace: record versions are checked on restore (any other version is refused, never
// used), a v1 adapter keeps its legacy layout (a store written before contract v2 still restores), and
// backtest records live in their own namespace, readable by readLiveState yet invisible to Live.

import { BtError, type IStrategyTickResult } from "@bt/core";
import { describe, expect, it } from "vitest";
import { createBacktestRecorder, createSimulatedClock, readLiveState } from "../src/index";
import { collect, MINUTE, T0 } from "./helpers";
import { legacyStore, memoryStore, runWiggleLive, SYMBOL, wiggleEngine } from "./liveHelpers";

const RUN_KEY = "BTCUSDT:wiggle:mem";

/** The two kinds of store Live accepts, and where each keeps a run's position, cursor and scheduled records. */
const STORES = {
  v2: {
    open: (records: Map<string, string>) => memoryStore({ records }),
    ids: { position: `position/${RUN_KEY}`, cursor: `cursor/${RUN_KEY}`, scheduled: `scheduled/${RUN_KEY}` },
  },
  v1: {
    open: (records: Map<string, string>) => legacyStore(records),
    ids: {
      position: `signal/${RUN_KEY}`,
      cursor: `signal/${RUN_KEY}#cursor`,
      scheduled: `scheduled/${RUN_KEY}`,
    },
  },
} as const;
type StoreKind = keyof typeof STORES;

/** The message of the error a restore of `records` throws, or "none". */
async function restoreError(kind: StoreKind, records: Map<string, string>): Promise<string> {
  const engine = wiggleEngine();
  const run = engine.Live.run(
    SYMBOL,
    { strategyName: "wiggle", exchangeName: "mem" },
    { persist: STORES[kind].open(records), clock: createSimulatedClock(T0), stopAt: T0 + MINUTE },
  );
  try {
    await collect(run);
    return "none";
  } catch (error) {
    if (!BtError.isInstance(error)) throw error;
    expect(error.code).toBe("PERSIST");
    return error.message;
  }
}

/** A persisted store after a short live run with an open position at the end. */
async function storeWithPosition(kind: StoreKind): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  await runWiggleLive(wiggleEngine(), T0, {
    persist: STORES[kind].open(records),
    stopAt: T0 + 12 * MINUTE,
  });
  return records;
}

function edit(
  records: Map<string, string>,
  v1Key: string,
  change: (record: Record<string, unknown>) => void,
) {
  const text = records.get(v1Key);
  expect(text, `record ${v1Key} exists`).toBeDefined();
  const record = JSON.parse(text as string) as Record<string, unknown>;
  change(record);
  records.set(v1Key, JSON.stringify(record));
}

describe.each(["v2", "v1"] as const)("live record versions (%s store)", (kind) => {
  const { ids, open } = STORES[kind];

  it("restores records of the version it writes", async () => {
    const records = await storeWithPosition(kind);
    const state = await readLiveState(open(records), SYMBOL, "wiggle", "mem");
    expect(state.cursor?.v).toBe(2);
    expect(await restoreError(kind, records)).toBe("none");
  });

  it("upgrades a version 1 position record (before position management): one entry, no rules", async () => {
    const records = await storeWithPosition(kind);
    const before = await readLiveState(open(records), SYMBOL, "wiggle", "mem");
    const signal = before.position?.signal;
    expect(signal?.fills).toHaveLength(1);
    const v2Only = [
      "entry",
      "rules",
      "fills",
      "originalTakeProfit",
      "originalStopLoss",
      "bestPrice",
      "worstPrice",
      "trailingTakePeak",
      "breakevenDone",
      "ladderNext",
      "dcaNext",
    ];
    edit(records, ids.position, (record) => {
      record.v = 1;
      for (const node of [record.signal, (record.result as Record<string, unknown>).signal]) {
        for (const field of v2Only) delete (node as Record<string, unknown>)[field];
      }
    });
    const upgraded = await readLiveState(open(records), SYMBOL, "wiggle", "mem");
    const row = upgraded.position?.signal;
    expect(row?.rules).toEqual({
      trailingStop: null,
      trailingTake: null,
      breakeven: null,
      takeProfitLadder: null,
      dca: null,
    });
    expect(row?.fills).toEqual([
      {
        kind: "entry",
        price: signal?.priceOpen,
        cost: signal?.cost ?? 1,
        at: signal?.pendingAt,
        source: "open",
      },
    ]);
    expect(row?.bestPrice).toBe(signal?.priceOpen);
    expect(await restoreError(kind, records)).toBe("none");
  });

  it.each([
    [3, "unknown version 3 (this bt reads versions 1 and 2)"],
    [undefined, "unknown version undefined (this bt reads versions 1 and 2)"],
  ] as const)(
    "rebuilds a position record of version %s from the broker's fill, reporting it",
    async (version, problem) => {
      const records = await storeWithPosition(kind);
      const before = await readLiveState(open(records), SYMBOL, "wiggle", "mem");
      expect(before.position?.phase).toBe("open");
      edit(records, ids.position, (record) => {
        if (version === undefined) delete record.v;
        else record.v = version;
      });
      await expect(readLiveState(open(records), SYMBOL, "wiggle", "mem")).rejects.toThrow(/unknown version/);
      const engine = wiggleEngine("1m", { expectErrors: true });
      const errors: string[] = [];
      engine.listenError((error) => {
        errors.push(error.message);
      });
      await runWiggleLive(engine, T0 + 12 * MINUTE, { persist: open(records), stopAt: T0 + 12 * MINUTE });
      await engine.waitForListeners();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(
        `the position record ${RUN_KEY} is unusable (${problem}); rebuilt position ${before.position?.signal.id}`,
      );
      const after = await readLiveState(open(records), SYMBOL, "wiggle", "mem");
      // The broker keeps the signal as sent: the minutes folded since (best / worst price) restart.
      const { bestPrice: _best, worstPrice: _worst, ...kept } = before.position?.signal ?? {};
      expect(after.position?.signal).toMatchObject(kept);
      expect(after.position?.phase).toBe("open");
    },
  );

  it.each([
    ["cursor", 3],
    ["cursor", "1"],
  ] as const)(
    "refuses a %s record of version %s, naming the record and the version",
    async (entity, version) => {
      const records = await storeWithPosition(kind);
      const id = ids[entity];
      // The run may end idle: give it a position record to damage.
      if (!records.has(id)) records.set(id, JSON.stringify({ v: 2, phase: "open" }));
      edit(records, id, (record) => {
        if (version === undefined) delete record.v;
        else record.v = version;
      });
      const message = await restoreError(kind, records);
      expect(message).toContain(
        `live record ${entity}/${RUN_KEY} is malformed (unknown version ${String(version)}`,
      );
      await expect(readLiveState(open(records), SYMBOL, "wiggle", "mem")).rejects.toThrow(/unknown version/);
    },
  );

  it("refuses a scheduled record of another version", async () => {
    const records = new Map<string, string>();
    records.set(ids.scheduled, JSON.stringify({ v: 3, phase: "scheduled", signal: {}, result: {} }));
    expect(await restoreError(kind, records)).toContain(
      `live record scheduled/${RUN_KEY} is malformed (unknown version 3`,
    );
  });
});

describe("legacy v1 layout", () => {
  it("keeps the keys bt wrote before contract v2: position, cursor, closed history, paper orders", async () => {
    const records = new Map<string, string>();
    await runWiggleLive(wiggleEngine(), T0, {
      persist: legacyStore(records),
      stopAt: T0 + 180 * MINUTE,
    });
    const keys = [...records.keys()];
    expect(keys).toContain(`signal/${RUN_KEY}#cursor`);
    expect(keys.some((key) => key.startsWith(`signal/${RUN_KEY}#closed/`))).toBe(true);
    expect(keys.some((key) => key.startsWith("signal/#broker/paper/bto-"))).toBe(true);
    const state = await readLiveState(legacyStore(records), SYMBOL, "wiggle", "mem");
    expect(state.closed.length).toBeGreaterThan(0);
  });
});

describe.each(["v2", "v1"] as const)("backtest records (%s store)", (kind) => {
  it("are written in their own namespace: readable with mode backtest, invisible to Live", async () => {
    const records = new Map<string, string>();
    const persist = STORES[kind].open(records);
    const engine = wiggleEngine();
    engine.addFrame({
      frameName: "day",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 600 * MINUTE),
    });
    const recorder = createBacktestRecorder(persist, {
      symbol: SYMBOL,
      strategyName: "wiggle",
      exchangeName: "mem",
    });
    const results: IStrategyTickResult[] = [];
    for await (const result of engine.Backtest.run(
      SYMBOL,
      { strategyName: "wiggle", exchangeName: "mem", frameName: "day" },
      { warmupMinutes: 60 },
    )) {
      results.push(result);
      await recorder.record(result);
    }
    const closed = results.filter((result) => result.action === "closed");
    expect(closed.length).toBeGreaterThan(0);
    const saved = await readLiveState(persist, SYMBOL, "wiggle", "mem", "backtest");
    expect(saved.closed).toEqual(closed);
    expect(saved.position).toBeNull();
    // Regression: `bt live` on a store written by `bt backtest --persist` threw "malformed (unknown version undefined)".
    const live = await readLiveState(persist, SYMBOL, "wiggle", "mem");
    expect(live).toEqual({ position: null, scheduled: null, cursor: null, closed: [], missing: [] });
    expect(await restoreError(kind, records)).toBe("none");
  });
});
