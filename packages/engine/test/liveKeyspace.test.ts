// The live keyspace: record versions are checked on restore (any other version is refused, never
// used), a v1 adapter keeps its legacy layout (a store written before contract v2 still restores), and
// backtest records live in their own namespace, readable by readLiveState yet invisible to Live.

import { BtError, type IStrategyTickResult } from "@bt/core";
import { describe, expect, it } from "vitest";
import { createBacktestRecorder, createSimulatedClock, readLiveState } from "../src/index";
import { collect, MINUTE, T0 } from "./helpers";
import { runWiggleLive, SYMBOL, wiggleEngine } from "./liveHelpers";
import { createMemoryPersist } from "./memoryPersist";

const RUN_KEY = "BTCUSDT:wiggle:mem";

/** The message of the error a restore of `records` throws, or "none". */
async function restoreError(records: Map<string, string>): Promise<string> {
  const engine = wiggleEngine();
  const run = engine.Live.run(
    SYMBOL,
    { strategyName: "wiggle", exchangeName: "mem" },
    { persist: createMemoryPersist({ records }), clock: createSimulatedClock(T0), stopAt: T0 + MINUTE },
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
async function storeWithPosition(): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  await runWiggleLive(wiggleEngine(), T0, {
    persist: createMemoryPersist({ records }),
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

describe("live record versions", () => {
  it("restores records of the version it writes", async () => {
    const records = await storeWithPosition();
    const state = await readLiveState(createMemoryPersist({ records }), SYMBOL, "wiggle", "mem");
    expect(state.cursor?.v).toBe(1);
    expect(await restoreError(records)).toBe("none");
  });

  it.each([
    ["position", `signal\u0000${RUN_KEY}`, 2],
    ["position", `signal\u0000${RUN_KEY}`, undefined],
    ["cursor", `signal\u0000${RUN_KEY}#cursor`, 2],
    ["cursor", `signal\u0000${RUN_KEY}#cursor`, "1"],
  ])(
    "refuses a %s record of version %s, naming the record and the version",
    async (entity, v1Key, version) => {
      const records = await storeWithPosition();
      if (!records.has(v1Key)) {
        // The run may end idle: give it a position record to corrupt.
        expect(entity).toBe("position");
        records.set(v1Key, JSON.stringify({ v: 1, phase: "open" }));
      }
      edit(records, v1Key, (record) => {
        if (version === undefined) delete record.v;
        else record.v = version;
      });
      const message = await restoreError(records);
      expect(message).toContain(
        `live record ${entity}/${RUN_KEY} is malformed (unknown version ${String(version)}`,
      );
      await expect(readLiveState(createMemoryPersist({ records }), SYMBOL, "wiggle", "mem")).rejects.toThrow(
        /unknown version/,
      );
    },
  );

  it("refuses a scheduled record of another version", async () => {
    const records = new Map<string, string>();
    records.set(
      `scheduled\u0000${RUN_KEY}`,
      JSON.stringify({ v: 3, phase: "scheduled", signal: {}, result: {} }),
    );
    expect(await restoreError(records)).toContain(
      `live record scheduled/${RUN_KEY} is malformed (unknown version 3`,
    );
  });
});

describe("legacy v1 layout", () => {
  it("keeps the keys bt wrote before contract v2: position, cursor, closed history, paper orders", async () => {
    const records = new Map<string, string>();
    await runWiggleLive(wiggleEngine(), T0, {
      persist: createMemoryPersist({ records }),
      stopAt: T0 + 180 * MINUTE,
    });
    const keys = [...records.keys()].map((key) => key.replace("\u0000", " "));
    expect(keys).toContain(`signal ${RUN_KEY}#cursor`);
    expect(keys.some((key) => key.startsWith(`signal ${RUN_KEY}#closed/`))).toBe(true);
    expect(keys.some((key) => key.startsWith("signal #broker/paper/bto-"))).toBe(true);
    const state = await readLiveState(createMemoryPersist({ records }), SYMBOL, "wiggle", "mem");
    expect(state.closed.length).toBeGreaterThan(0);
  });
});

describe("backtest records", () => {
  it("are written in their own namespace: readable with mode backtest, invisible to Live", async () => {
    const records = new Map<string, string>();
    const persist = createMemoryPersist({ records });
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
    expect(live).toEqual({ position: null, scheduled: null, cursor: null, closed: [] });
    expect(await restoreError(records)).toBe("none");
  });
});
