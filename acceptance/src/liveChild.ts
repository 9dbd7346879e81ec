// The live process of the crash test: runs the scenario strategy live with the fs, Redis or PostgreSQL adapter, a
// persisted paper broker (with small random latencies, so kills land inside broker calls) and a
// simulated clock whose time is a persisted cursor: a restarted process continues where time stood.
// Prints "ready" when it starts (with --standby: "loaded", then waits for "go" on stdin, so the harness
// can load the next process while the current one runs) and "done" at the end. Killed with SIGKILL.
// --variant manage runs the scenario's signals with position management (partial exits, DCA entries,
// a trailing stop), so size changes are committed too.

import { randomInt } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { IBroker, IPersistAdapterV2 } from "@bt/core";
import { createEngine, createPaperBroker, type ILiveClock } from "@bt/engine";
import { createFsPersist } from "@bt/persist-fs";
import { createPostgresPersist } from "@bt/persist-postgres";
import { createRedisPersist } from "@bt/persist-redis";
import { crashPostgresUrl } from "./crashSettings";
import {
  SCENARIO,
  SCENARIO_START_MS,
  type ScenarioVariant,
  scenarioCandles,
  scenarioExchange,
  scenarioStrategyOf,
} from "./liveScenario";

const { values } = parseArgs({
  options: {
    adapter: { type: "string" },
    data: { type: "string" },
    prefix: { type: "string" },
    schema: { type: "string" },
    clock: { type: "string" },
    minutes: { type: "string" },
    "latency-ms": { type: "string", default: "3" },
    // The latency of size changes (changePosition), default --latency-ms: the manage variant widens it so
    // random kills land inside size changes more often.
    "change-latency-ms": { type: "string" },
    // Real milliseconds each simulated sleep also takes (0: none), so another process can meet this one running.
    "pace-ms": { type: "string", default: "0" },
    standby: { type: "boolean", default: false },
    // plain: the scenario strategy; manage: the same signals with a TP ladder, a DCA ladder and a trailing stop.
    variant: { type: "string", default: "plain" },
  },
});

/** Standby mode: everything is loaded, nothing is touched until the harness writes "go" on stdin. */
function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    let input = "";
    process.stdin.on("data", (chunk: Buffer) => {
      input += chunk.toString();
      if (input.includes("go\n")) {
        process.stdin.pause();
        resolve();
      }
    });
  });
}

/** A simulated clock whose time survives restarts: sleep() advances it and saves it (temp + rename). */
function persistedClock(file: string, startMs: number, paceMs: number): ILiveClock {
  let nowMs = startMs;
  try {
    nowMs = (JSON.parse(readFileSync(file, "utf8")) as { nowMs: number }).nowMs;
  } catch {
    // First start: no clock file yet.
  }
  return {
    now: () => nowMs,
    async sleep(ms) {
      if (ms > 0) {
        nowMs += ms;
        writeFileSync(`${file}.tmp`, JSON.stringify({ nowMs }));
        renameSync(`${file}.tmp`, file);
      }
      await new Promise<void>((resolve) =>
        paceMs > 0 ? setTimeout(resolve, paceMs) : setImmediate(resolve),
      );
    },
  };
}

/** Delays every broker call by a random 0…maxMs (size changes: 0…changeMaxMs) before and after the paper fill. */
function slowBroker(inner: IBroker, maxMs: number, changeMaxMs = maxMs): IBroker {
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, randomInt(0, maxMs + 1)));
  const changePause = () =>
    new Promise<void>((resolve) => setTimeout(resolve, randomInt(0, changeMaxMs + 1)));
  return {
    name: inner.name,
    specVersion: 1,
    async openPosition(signal, price) {
      await pause();
      const fill = await inner.openPosition(signal, price);
      await pause();
      return fill;
    },
    async closePosition(signal, price, reason) {
      await pause();
      const fill = await inner.closePosition(signal, price, reason);
      await pause();
      return fill;
    },
    // Size changes (partial exits, DCA entries) take random latencies too (--change-latency-ms), so kills
    // land inside them.
    ...(inner.changePosition === undefined
      ? {}
      : {
          async changePosition(signal, change, price) {
            await changePause();
            const fill = await (inner.changePosition as NonNullable<IBroker["changePosition"]>).call(
              inner,
              signal,
              change,
              price,
            );
            await changePause();
            return fill;
          },
        }),
    // Reconciliation reads the paper book as it is (no pause: it is not an order).
    orderState: inner.orderState?.bind(inner),
    openPositions: inner.openPositions?.bind(inner),
  };
}

async function main(): Promise<void> {
  if (values.standby) {
    process.stdout.write("loaded\n");
    await waitForGo();
  }
  const minutes = Number(values.minutes);
  const clockFile = values.clock;
  if (!Number.isInteger(minutes) || minutes <= 0 || clockFile === undefined) {
    throw new Error(
      "usage: liveChild --adapter fs|redis|postgres (--data dir | --prefix p | --schema s) --clock file --minutes n [--latency-ms n] [--pace-ms n] [--variant plain|manage] [--standby]",
    );
  }
  const variant = values.variant as ScenarioVariant;
  if (variant !== "plain" && variant !== "manage") throw new Error(`unknown --variant ${variant}`);
  const strategy = scenarioStrategyOf(variant);
  let persist: IPersistAdapterV2;
  if (values.adapter === "fs" && values.data !== undefined) {
    persist = createFsPersist({ dir: values.data });
  } else if (values.adapter === "redis" && values.prefix !== undefined) {
    persist = createRedisPersist({ keyPrefix: values.prefix });
  } else if (values.adapter === "postgres" && values.schema !== undefined) {
    // BT_PG_URL, or the local server's `test` database (as the harness reads it back).
    persist = createPostgresPersist({ connectionString: crashPostgresUrl(), schema: values.schema });
  } else {
    throw new Error(`unknown adapter ${String(values.adapter)} or missing --data / --prefix / --schema`);
  }
  const clock = persistedClock(clockFile, SCENARIO_START_MS, Number(values["pace-ms"]));
  const engine = createEngine();
  engine.addExchange(scenarioExchange(scenarioCandles(minutes)));
  engine.addStrategy(strategy);
  engine.listenError((error) => {
    process.stderr.write(`live error: ${error.message}\n`);
  });
  const broker = slowBroker(
    createPaperBroker({ persist, now: () => clock.now() }),
    Number(values["latency-ms"]),
    Number(values["change-latency-ms"] ?? values["latency-ms"]),
  );
  process.stdout.write("ready\n");
  for await (const _ of engine.Live.run(
    SCENARIO.symbol,
    { strategyName: strategy.strategyName, exchangeName: SCENARIO.exchangeName },
    // A short lease: each restart after a kill waits for the dead holder's lease to run out.
    { persist, broker, clock, stopAt: SCENARIO_START_MS + minutes * 60_000, leaseTtlMs: 1_000 },
  )) {
    // The harness reads the persisted state; results are not needed here.
  }
  await persist.dispose();
  process.stdout.write("done\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
