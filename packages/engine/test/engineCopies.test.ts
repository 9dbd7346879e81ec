// One engine at run time however many copies are loaded: a strategy file that imports its own physical
// copy of @bt/engine and @bt/context (as `bt worker` loads user files) must see the ambient context and
// the run of the copy that runs it. Before, getCandles there failed with "No execution context" (the
// AsyncLocalStorage and the run table were per module copy) and every job completed with 0 trades.
// A copy with another major slot version is refused with an error naming both versions.

import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONTEXT_SLOT_KEY, CONTEXT_SLOT_VERSION } from "@bt/context";
import { BtError } from "@bt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCandles } from "../src/index";
import { RUN_TABLE_SLOT_KEY, RUN_TABLE_SLOT_VERSION } from "../src/run/runRuntime";
import { collect, createTestEngine, MINUTE, memoryExchange, T0, wigglyCandles } from "./helpers";

const here = dirname(fileURLToPath(import.meta.url));
const coreEntry = resolve(here, "../../core/src/index.ts");
let copyDir: string;

/** The ambient API of a second copy: its own ambient.ts, runRuntime.ts and @bt/context sources. */
interface ICopy {
  getCandles: typeof getCandles;
  getDate: () => Date;
}

/**
 * Copies the context sources and the engine's ambient modules into a temp folder (imports rewritten
 * to the copy, @bt/core to its source) so they load as separate modules with their own top level.
 */
beforeAll(async () => {
  copyDir = await mkdtemp(join(tmpdir(), "bt-engine-copy-"));
  const contextSrc = resolve(here, "../../context/src");
  await cp(contextSrc, join(copyDir, "context"), { recursive: true });
  await cp(resolve(here, "../src/run/ambient.ts"), join(copyDir, "ambient.ts"));
  await cp(resolve(here, "../src/run/runRuntime.ts"), join(copyDir, "runRuntime.ts"));
  const files = [
    ...(await readdir(join(copyDir, "context"))).map((file) => join(copyDir, "context", file)),
    join(copyDir, "ambient.ts"),
    join(copyDir, "runRuntime.ts"),
  ];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    await writeFile(
      file,
      text
        .replaceAll('"@bt/core"', JSON.stringify(coreEntry))
        .replaceAll('"@bt/context"', '"./context/index.ts"'),
    );
  }
});

afterAll(async () => {
  await rm(copyDir, { recursive: true, force: true });
});

async function loadCopy(query: string): Promise<ICopy> {
  return (await import(
    /* @vite-ignore */ `${pathToFileURL(join(copyDir, "ambient.ts")).href}?${query}`
  )) as ICopy;
}

/** Replaces the slot `key` with `slot` while `fn` runs, then puts the original back. */
async function withSlot(key: string, slot: unknown, fn: () => Promise<void>): Promise<void> {
  const symbol = Symbol.for(key);
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const original = Object.getOwnPropertyDescriptor(holder, symbol);
  Object.defineProperty(holder, symbol, { value: slot, configurable: true });
  try {
    await fn();
  } finally {
    if (original === undefined) delete holder[symbol];
    else Object.defineProperty(holder, symbol, original);
  }
}

describe("two copies of the engine in one process", () => {
  it("getCandles of a second copy works inside a run of the first, with the same candles", async () => {
    const copy = await loadCopy("copy=2");
    expect(copy.getCandles).not.toBe(getCandles);
    const engine = createTestEngine();
    engine.addExchange(memoryExchange("mem", { BTCUSDT: wigglyCandles(T0 - 60 * MINUTE, 120) }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    const seen: Array<{ when: number; fromCopy: number[]; fromOwn: number[]; date: number }> = [];
    engine.addStrategy({
      strategyName: "copied",
      interval: "5m",
      getSignal: async (symbol, when) => {
        const fromCopy = await copy.getCandles(symbol, "5m", 3);
        const fromOwn = await getCandles(symbol, "5m", 3);
        seen.push({
          when: when.getTime(),
          fromCopy: fromCopy.map((candle) => candle.close),
          fromOwn: fromOwn.map((candle) => candle.close),
          date: copy.getDate().getTime(),
        });
        return null;
      },
    });
    await collect(
      engine.Backtest.run(
        "BTCUSDT",
        { strategyName: "copied", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 30 },
      ),
    );
    expect(seen).toHaveLength(6);
    for (const entry of seen) {
      expect(entry.fromCopy).toHaveLength(3);
      expect(entry.fromCopy).toEqual(entry.fromOwn);
      expect(entry.date).toBe(entry.when);
    }
    expect(engine.Backtest.getData("BTCUSDT", "copied").problems.problems).toEqual([]);
  });

  it("a copy with the same major slot version shares the slot", async () => {
    const shared = new WeakMap();
    await withSlot(RUN_TABLE_SLOT_KEY, Object.freeze({ version: "1.7.0", value: shared }), async () => {
      const runtime = (await import(
        /* @vite-ignore */ `${pathToFileURL(join(copyDir, "runRuntime.ts")).href}?copy=3`
      )) as typeof import("../src/run/runRuntime");
      const method = Object.freeze({ strategyName: "s", exchangeName: "e", frameName: "f" });
      const entry = { exchange: {}, store: undefined, config: {}, logger: {} } as never;
      runtime.attachRuntime(method, entry);
      expect(shared.get(method)).toBe(entry);
    });
  });

  it("a copy with another major version of the context slot is refused, naming both versions", async () => {
    expect(CONTEXT_SLOT_VERSION).toBe("2.0.0");
    // A copy of the previous layout (the slot held the AsyncLocalStorage alone) loaded first.
    await withSlot(CONTEXT_SLOT_KEY, Object.freeze({ version: "1.0.0", value: {} }), async () => {
      const loading = import(
        /* @vite-ignore */ `${pathToFileURL(join(copyDir, "context", "contextStorage.ts")).href}?copy=4`
      );
      await expect(loading).rejects.toSatisfy(
        (error: unknown) => BtError.isInstance(error) && error.code === "CONTEXT",
      );
      await expect(loading).rejects.toThrow(/slot version 1\.0\.0, this copy has 2\.0\.0/);
    });
  });

  it("a copy with another major version of the run table is refused, naming both versions", async () => {
    expect(RUN_TABLE_SLOT_VERSION).toBe("1.0.0");
    await withSlot(
      RUN_TABLE_SLOT_KEY,
      Object.freeze({ version: "0.9.0", value: new WeakMap() }),
      async () => {
        const loading = import(
          /* @vite-ignore */ `${pathToFileURL(join(copyDir, "runRuntime.ts")).href}?copy=5`
        );
        await expect(loading).rejects.toThrow(
          /Two incompatible copies of bt.*slot version 0\.9\.0, this copy has 1\.0\.0/,
        );
      },
    );
  });
});
