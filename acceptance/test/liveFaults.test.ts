// Live fault injection on real stores (issue "Live trading you can trust with money"): the fault matrix of
// packages/engine/test/liveFaults.test.ts run through the public APIs on @bt/persist-fs (temp dir),
// @bt/persist-redis (BT_REDIS_URL or 127.0.0.1:6379, a key prefix unique to this file) and
// @bt/persist-postgres (BT_PG_URL or the local `test` database, schemas unique to this file). Every case
// runs on a store of its own and is compared with the uninterrupted run on the same adapter: broker
// outages on open and close, NaN and garbage fills, a hung broker / exchange / getSignal, two processes
// on one store, corrupted / unknown-version / negative-price records of every kind, and a store emptied
// while the run runs. Only this file's folder, keys and schemas are removed afterwards.

import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { BtError, type IBrokerFill, type PersistEntityV2, type PersistValue } from "@bt/core";
import { readLiveState } from "@bt/engine";
import { afterAll, describe, expect, it } from "vitest";
import { crashPostgresUrl } from "../src/crashSettings";
import {
  closedOf,
  damagedFillBroker,
  EXCHANGE,
  expectTradesAreFills,
  type IFaultRun,
  type IRunOptions,
  MINUTE_MS,
  never,
  outageBroker,
  runFaultScenario,
  runKeyOf,
  START_MS,
  type StrategyKind,
  SYMBOL,
  storedOutcome,
  T0,
} from "../src/faultScenario";
import {
  fsFaultAdapter,
  type IFaultAdapter,
  type IFaultStore,
  postgresFaultAdapter,
  redisFaultAdapter,
} from "../src/faultStores";
import { runChildTakeover } from "../src/liveChildProcess";

const root = mkdtempSync(join(tmpdir(), "bt-live-faults-"));
const stamp = `${process.pid}_${Date.now().toString(36)}`;
const adapters: IFaultAdapter[] = [
  fsFaultAdapter(root),
  redisFaultAdapter(process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379", `bt-test:live-faults:${stamp}`),
  postgresFaultAdapter(crashPostgresUrl(), `bt_test_live_faults_${stamp}`),
];

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.cleanup()));
  rmSync(root, { recursive: true, force: true });
});

const messages = (run: IFaultRun) => run.errors.map((error) => error.message);
const VENUE_DOWN = "venue: 503 service unavailable";

describe.each(adapters)("live faults on $name", (adapter) => {
  let stores = 0;
  /** A store of its own for one case. */
  const freshStore = (label: string): IFaultStore => adapter.store(`${label}_${stores++}`);
  /** A fresh store, one run on it, the run and what the store then holds. */
  const runOnFreshStore = async (label: string, options: IRunOptions = {}) => {
    const store = freshStore(label);
    const run = await runFaultScenario(store, options);
    return { store, run, outcome: await storedOutcome(store, options.kind) };
  };
  const references = new Map<StrategyKind, ReturnType<typeof runOnFreshStore>>();
  /** The uninterrupted run of `kind` on this adapter (run once, shared by the cases). */
  const reference = (kind: StrategyKind = "market") => {
    let found = references.get(kind);
    if (found === undefined) {
      found = runOnFreshStore(`ref_${kind}`, { kind });
      references.set(kind, found);
    }
    return found;
  };

  it("the uninterrupted runs: one take profit (market) and one stop loss (limit), recorded at the broker's fills", async () => {
    const market = await reference("market");
    expect(market.run.errors).toEqual([]);
    expect(market.run.failure).toBeUndefined();
    expect(market.outcome.closed).toHaveLength(1);
    expect(market.outcome.closed[0]).toMatchObject({ reason: "take_profit", openedAt: T0 });
    expect(market.outcome.orders.map((order) => [order.leg, order.requestCount])).toEqual([
      ["open", 1],
      ["close", 1],
    ]);
    expect(expectTradesAreFills(market.outcome)).toEqual([]);
    const limit = await reference("limit");
    expect(limit.run.errors).toEqual([]);
    expect(limit.run.results.map((result) => result.action)).toEqual(["scheduled", "opened", "closed"]);
    expect(limit.outcome.closed[0]?.reason).toBe("stop_loss");
    expect(expectTradesAreFills(limit.outcome)).toEqual([]);
  });

  describe("broker outage on open", () => {
    it("1 minute: opened one minute later, at the broker's fill of that minute; the same trade otherwise", async () => {
      const referenceRun = (await reference()).outcome;
      const [expected] = referenceRun.closed;
      const { run, outcome } = await runOnFreshStore("open1", {
        wrap: outageBroker((leg, now) => leg === "open" && now < T0 + MINUTE_MS),
      });
      expect(run.errors).toEqual([
        { message: VENUE_DOWN, code: "BROKER", source: "Live.commit", willRetry: true },
      ]);
      const [trade] = outcome.closed;
      expect(trade).toMatchObject({ id: expected?.id, reason: "take_profit", closedAt: expected?.closedAt });
      expect(trade?.openedAt).toBe(T0 + MINUTE_MS);
      // Sent at the price of T0 + 1 min (the ramp moved), filled then: never the decision's price of T0.
      const open = outcome.orders.find((order) => order.leg === "open");
      const decided = referenceRun.orders.find((order) => order.leg === "open");
      expect(open?.filledAt).toBe(T0 + MINUTE_MS);
      expect(open?.requestedPrice).toBeGreaterThan(decided?.requestedPrice ?? Number.POSITIVE_INFINITY);
      expect(trade?.priceOpen).toBe(open?.price);
      expect(expectTradesAreFills(outcome)).toEqual([]);
    });

    it.each([15, 60])(
      "%i minutes: the take profit was crossed meanwhile, so the open is cancelled as stale, never filled at the old price",
      async (minutes) => {
        const { run, outcome } = await runOnFreshStore(`open${minutes}`, {
          wrap: outageBroker((leg, now) => leg === "open" && now < T0 + minutes * MINUTE_MS),
        });
        const cancelled = run.results.filter((result) => result.action === "cancelled");
        expect(cancelled.map((result) => result.action === "cancelled" && result.cancelReason)).toEqual([
          "stale",
        ]);
        expect(run.results.some((result) => result.action === "opened")).toBe(false);
        expect(outcome.orders).toEqual([]);
        expect(outcome.closed).toEqual([]);
        expect(outcome.position).toBeNull();
        expect(run.errors.length).toBeGreaterThan(0);
        expect(run.errors.every((error) => error.message === VENUE_DOWN && error.willRetry === true)).toBe(
          true,
        );
      },
    );
  });

  describe("broker outage on close", () => {
    it.each([1, 15, 60])(
      "%i minutes: the position stays open and is recorded at the broker's fill when it takes the close",
      async (minutes) => {
        const [expected] = (await reference()).outcome.closed;
        const until = (expected?.closedAt ?? 0) + minutes * MINUTE_MS;
        const { run, outcome } = await runOnFreshStore(`close${minutes}`, {
          wrap: outageBroker((leg, now) => leg === "close" && now < until),
        });
        const [trade] = outcome.closed;
        expect(trade).toMatchObject({
          id: expected?.id,
          reason: "take_profit",
          openedAt: expected?.openedAt,
          priceOpen: expected?.priceOpen,
          closedAt: until,
        });
        // Sold at the price of the minute the broker took it, not at the take profit's minute and level
        // (the ramp still rises there; flat at 102 from minute 19 on).
        expect(trade?.priceClose).toBeGreaterThan(expected?.priceClose ?? Number.POSITIVE_INFINITY);
        if (minutes >= 15) expect(trade?.priceClose).toBeCloseTo(102 * 0.999, 9);
        expect(expectTradesAreFills(outcome)).toEqual([]);
        expect(run.errors).toHaveLength(minutes);
        expect(run.errors.every((error) => error.message === VENUE_DOWN && error.willRetry === true)).toBe(
          true,
        );
      },
    );
  });

  describe("NaN and garbage fills", () => {
    it.each([
      ["a NaN price", (fill: IBrokerFill) => ({ ...fill, price: Number.NaN })],
      ["a negative price", (fill: IBrokerFill) => ({ ...fill, price: -fill.price })],
      ["an absurd price (50 % away)", (fill: IBrokerFill) => ({ ...fill, price: fill.price * 1.5 })],
      ["a negative quantity", (fill: IBrokerFill) => ({ ...fill, quantity: -1 })],
    ])(
      "an open fill with %s once: managed, reported with willRetry, then corrected: the uninterrupted trade",
      async (_name, damage) => {
        const expected = (await reference()).outcome;
        let answers = 0;
        const { run, outcome } = await runOnFreshStore("fill", {
          wrap: damagedFillBroker(damage, () => answers++ === 0),
        });
        const fillErrors = run.errors.filter((error) => error.message.includes("unusable open fill"));
        expect(fillErrors).toHaveLength(1);
        expect(fillErrors[0]).toMatchObject({ source: "Live.fill", willRetry: true, code: "BROKER" });
        expect(run.errors).toHaveLength(1);
        expect(outcome.closed).toEqual(expected.closed);
        expect(outcome.orders).toEqual(expected.orders);
        expect(run.engine.Live.getReport(SYMBOL, "market")).toContain("unusable open fill");
      },
    );
  });

  describe("hung broker, exchange and strategy", () => {
    const TIMEOUT_MS = 150;
    /** Live.stop() while a call hangs resolves within its deadline plus this margin (a loaded machine). */
    const STOP_MARGIN_MS = 3_000;

    it("a broker whose open answer never comes: TIMEOUT (retryable), found by client order id, the uninterrupted trade", async () => {
      const expected = (await reference()).outcome;
      let calls = 0;
      const { run, outcome } = await runOnFreshStore("hungbroker", {
        config: { CC_BROKER_TIMEOUT_MS: TIMEOUT_MS },
        wrap: (paper) => ({
          name: "paper",
          specVersion: 1,
          // The first open reaches the venue (the paper book fills it) but its answer never comes back.
          openPosition: async (signal, price) => {
            const fill = await paper.openPosition(signal, price);
            return calls++ === 0 ? never<IBrokerFill>() : fill;
          },
          closePosition: (signal, price, reason) => paper.closePosition(signal, price, reason),
          orderState: (id, symbol) => paper.orderState(id, symbol),
          openPositions: (symbol) => paper.openPositions(symbol),
        }),
      });
      expect(run.errors).toEqual([
        expect.objectContaining({ code: "TIMEOUT", source: "Live.commit", willRetry: true }),
      ]);
      expect(run.errors[0]?.message).toMatch(
        /^broker paper: openPosition of .* did not settle within 150 ms/,
      );
      expect(calls).toBe(1);
      expect(outcome.closed).toEqual(expected.closed);
      expect(outcome.orders).toEqual(expected.orders);
    });

    it("an exchange call that never settles: TIMEOUT on that tick, the run goes on: the uninterrupted trade", async () => {
      const expected = (await reference()).outcome;
      let hung = false;
      const { run, outcome } = await runOnFreshStore("hungexchange", {
        config: { CC_EXCHANGE_TIMEOUT_MS: TIMEOUT_MS },
        hangExchange: (now) => {
          if (hung || now !== T0 + 3 * MINUTE_MS) return false;
          hung = true;
          return true;
        },
      });
      expect(run.errors).toEqual([expect.objectContaining({ code: "TIMEOUT", source: "Live.price" })]);
      expect(run.errors[0]?.message).toMatch(
        /^exchange ramp: getCandles BTCUSDT 1m since .* did not settle within 150 ms$/,
      );
      expect(outcome.closed).toEqual(expected.closed);
      expect(outcome.orders).toEqual(expected.orders);
    });

    it("a getSignal that never settles: a failed getSignal (TIMEOUT) in the problems; the uninterrupted trade", async () => {
      const expected = (await reference()).outcome;
      const { run, outcome } = await runOnFreshStore("hungsignal", {
        config: { CC_GET_SIGNAL_TIMEOUT_MS: TIMEOUT_MS },
        hangSignal: (whenMs) => whenMs === START_MS,
      });
      expect(run.errors).toEqual([expect.objectContaining({ code: "TIMEOUT" })]);
      expect(run.engine.Live.getReport(SYMBOL, "market")).toContain("did not settle within 150 ms");
      expect(outcome.closed).toEqual(expected.closed);
      expect(outcome.orders).toEqual(expected.orders);
    });

    it.each([
      ["the broker", { config: { CC_BROKER_TIMEOUT_MS: TIMEOUT_MS } }],
      ["the exchange", { config: { CC_EXCHANGE_TIMEOUT_MS: TIMEOUT_MS } }],
      ["getSignal", { config: { CC_GET_SIGNAL_TIMEOUT_MS: TIMEOUT_MS } }],
    ] as const)(
      "%s hung for good: the run does not hang, TIMEOUT is reported, Live.stop() resolves within a bound",
      async (what, timeouts) => {
        let hangStarted: () => void = () => undefined;
        const started = new Promise<void>((resolve) => {
          hangStarted = resolve;
        });
        const hang = () => {
          hangStarted();
          return true;
        };
        const store = freshStore("hungforever");
        const options: IRunOptions = {
          ...timeouts,
          stopAt: T0 + 600 * MINUTE_MS,
          ...(what === "the broker"
            ? {
                wrap: (paper) => ({
                  name: "paper",
                  specVersion: 1,
                  openPosition: () => {
                    hang();
                    return never<IBrokerFill>();
                  },
                  closePosition: () => never<IBrokerFill>(),
                  orderState: (id, symbol) => paper.orderState(id, symbol),
                  openPositions: (symbol) => paper.openPositions(symbol),
                }),
              }
            : what === "the exchange"
              ? { hangExchange: (now: number) => now >= T0 && hang() }
              : { hangSignal: (whenMs: number) => whenMs >= T0 && hang() }),
        };
        let engineOf: IFaultRun["engine"] | undefined;
        const running = runFaultScenario(store, {
          ...options,
          beforeRun: (engine) => {
            engineOf = engine;
          },
        });
        await started;
        // Let a few deadlines pass: the run keeps ticking instead of hanging.
        await new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS));
        const stopAt = performance.now();
        await engineOf?.Live.stop(SYMBOL, "market");
        const stopMs = performance.now() - stopAt;
        const run = await running;
        expect(stopMs).toBeLessThan(TIMEOUT_MS + STOP_MARGIN_MS);
        expect(run.failure).toBeUndefined();
        expect(run.errors.length).toBeGreaterThan(0);
        expect(run.errors.every((error) => error.code === "TIMEOUT")).toBe(true);
        // Nothing was filled at a price nobody saw: no closed trade.
        expect((await storedOutcome(store)).closed).toEqual([]);
      },
    );
  });

  describe("two processes on one store", () => {
    it("the second refuses naming the first's holder; after SIGKILL of the first a restart takes over and ends with the uninterrupted outcome", async () => {
      const report = await runChildTakeover(adapter, root);
      expect(report.refused.code).not.toBe(0);
      expect(report.refused.stderr).toContain(`held by ${hostname()}:${report.firstPid}:`);
      expect(report.firstExit.signal).toBe("SIGKILL");
      expect(report.takeover.code).toBe(0);
      expect(report.killedOutcome.closed.length).toBeGreaterThan(3);
      expect(report.killedOutcome.closed).toEqual(report.referenceOutcome.closed);
      expect(report.killedOutcome.position).toEqual(report.referenceOutcome.position);
      expect(report.killedOutcome.scheduled).toEqual(report.referenceOutcome.scheduled);
      expect(report.killedOutcome.orders).toEqual(report.referenceOutcome.orders);
    }, 90_000);
  });

  describe("corrupted, unknown-version and negative-price records", () => {
    /** A store left by a run of `kind` stopped at `stopAt` (market at T0+5: open; limit at T0+5: scheduled). */
    const leftStore = async (label: string, kind: StrategyKind, stopAt: number) => {
      const { store, outcome } = await runOnFreshStore(label, { kind, stopAt });
      return { store, outcome };
    };
    /** Rewrites the stored value of (entity, key) through a fresh adapter instance. */
    const edit = async (
      store: IFaultStore,
      entity: PersistEntityV2,
      key: string,
      change: (value: Record<string, unknown>) => void,
    ) => {
      const persist = store.open();
      try {
        const value = (await persist.read(entity, key)) as Record<string, unknown> | null;
        expect(value, `${entity}/${key}`).not.toBeNull();
        change(value as Record<string, unknown>);
        await persist.write(entity, key, value as PersistValue);
      } finally {
        await persist.dispose();
      }
    };
    const listKeys = async (store: IFaultStore, entity: PersistEntityV2, prefix: string) => {
      const persist = store.open();
      try {
        await persist.waitForInit();
        return await persist.list(entity, prefix);
      } finally {
        await persist.dispose();
      }
    };
    type Fault = "garbled" | "unknown version" | "negative price";
    const FAULTS: Fault[] = ["garbled", "unknown version", "negative price"];
    const restart = (store: IFaultStore, kind: StrategyKind = "market") =>
      runFaultScenario(store, { kind, startMs: T0 + 5 * MINUTE_MS });

    it.each(FAULTS)(
      "position %s: rebuilt from the broker and reported; the uninterrupted trade",
      async (fault) => {
        const expected = (await reference()).outcome;
        const { store, outcome: before } = await leftStore("pos", "market", T0 + 5 * MINUTE_MS);
        expect(before.position?.phase).toBe("open");
        const key = runKeyOf("market");
        if (fault === "garbled") await store.garble("position", key);
        else
          await edit(store, "position", key, (record) => {
            if (fault === "unknown version") record.v = 7;
            else (record.signal as Record<string, unknown>).priceOpen = -100;
          });
        const run = await restart(store);
        expect(run.failure).toBeUndefined();
        expect(messages(run)).toEqual([
          expect.stringMatching(
            new RegExp(
              `position record ${key} is unusable .*rebuilt position ${before.position?.id} from broker paper`,
            ),
          ),
        ]);
        expect(run.errors[0]?.source).toBe("Live.reconcile");
        expect(run.engine.Live.getReport(SYMBOL, "market")).toContain("rebuilt position");
        const after = await storedOutcome(store);
        expect(after.closed).toEqual(expected.closed);
        expect(after.orders).toEqual(expected.orders);
      },
    );

    for (const fault of FAULTS)
      it(`scheduled ${fault}: refuses the start loudly (or is reported), never dropped silently`, async () => {
        const { store, outcome: before } = await leftStore("sched", "limit", T0 + 5 * MINUTE_MS);
        expect(before.scheduled?.phase).toBe("scheduled");
        const key = runKeyOf("limit");
        if (fault === "garbled") await store.garble("scheduled", key);
        else
          await edit(store, "scheduled", key, (record) => {
            if (fault === "unknown version") record.v = 7;
            else (record.signal as Record<string, unknown>).priceOpen = -100;
          });
        const run = await restart(store, "limit");
        expectLoud(run, `scheduled/${key}`);
      });

    for (const fault of FAULTS)
      it(`cursor ${fault}: refuses the start loudly (or is reported), never dropped silently`, async () => {
        const { store } = await leftStore("cursor", "market", T0 + 5 * MINUTE_MS);
        const key = runKeyOf("market");
        if (fault === "garbled") await store.garble("cursor", key);
        else {
          const persist = store.open();
          const position = (await persist.read("position", key)) as { result: Record<string, unknown> };
          await persist.dispose();
          await edit(store, "cursor", key, (record) => {
            if (fault === "unknown version") record.v = 7;
            else {
              // The cursor's prices are those of its outbox event: the opened result, at a negative price.
              const result = structuredClone(position.result) as { signal: Record<string, unknown> };
              result.signal.priceOpen = -100;
              record.outbox = { eventId: `${String(result.signal.id)}:opened`, result };
            }
          });
        }
        const run = await restart(store);
        expectLoud(run, `cursor/${key}`);
      });

    it("the generation marker garbled: refuses the start (STATE naming it)", async () => {
      const { store } = await leftStore("gen", "market", T0 + 5 * MINUTE_MS);
      const key = `${runKeyOf("market")}#generation`;
      await store.garble("cursor", key);
      const run = await restart(store);
      expect(BtError.isInstance(run.failure) && run.failure.code).toBe("STATE");
      expect((run.failure as Error).message).toContain(`generation record ${key}`);
    });

    /** A store whose one closed trade record is damaged by `fault`; returns it and the record's key. */
    const damagedHistory = async (fault: Fault) => {
      const { store, outcome: before } = await leftStore("closed", "market", T0 + 60 * MINUTE_MS);
      expect(before.closed).toHaveLength(1);
      const [key] = await listKeys(store, "closed", `${runKeyOf("market")}/`);
      expect(key).toBeDefined();
      if (fault === "garbled") await store.garble("closed", key as string);
      else
        await edit(store, "closed", key as string, (record) => {
          if (fault === "unknown version") record.v = 9;
          else (record.pnl as Record<string, unknown>).priceClose = -1;
        });
      return { store, key: key as string };
    };
    /** A restart of one minute (`life` 1, 2, …) that must report `key` as a missing trade. */
    const expectMissingTrade = async (store: IFaultStore, key: string, life: number) => {
      const run = await runFaultScenario(store, {
        startMs: T0 + (59 + life) * MINUTE_MS,
        stopAt: T0 + (60 + life) * MINUTE_MS,
      });
      expect(run.failure).toBeUndefined();
      expect(messages(run)).toEqual([
        expect.stringContaining(`closed trade record closed/${key} is missing from the history`),
      ]);
      expect(run.errors[0]).toMatchObject({ source: "Live.history", willRetry: false });
      expect(run.engine.Live.getReport(SYMBOL, "market")).toContain(`closed/${key} is missing`);
    };

    for (const fault of FAULTS) {
      it(`closed trade ${fault}: a missing trade with its key (error event, run problem, report)`, async () => {
        const { store, key } = await damagedHistory(fault);
        await expectMissingTrade(store, key, 1);
        if (fault !== "garbled") {
          const persist = store.open();
          const state = await readLiveState(persist, SYMBOL, "market", EXCHANGE);
          await persist.dispose();
          expect(state.missing.map((missing) => missing.key)).toEqual([key]);
        }
      });
      it(`closed trade ${fault}: still reported as missing by the next restart`, async () => {
        const { store, key } = await damagedHistory(fault);
        await expectMissingTrade(store, key, 1);
        await expectMissingTrade(store, key, 2);
      });
    }

    for (const fault of FAULTS)
      it(`the open order ${fault}: the restart refuses or reports it, never silently trusted`, async () => {
        const { store, outcome: before } = await leftStore("order", "market", T0 + 5 * MINUTE_MS);
        const open = before.orders.find((order) => order.leg === "open");
        expect(open).toBeDefined();
        const [key] = await listKeys(store, "order", "paper/");
        expect(key).toBe(`paper/${open?.clientOrderId}`);
        if (fault === "garbled") await store.garble("order", key as string);
        else
          await edit(store, "order", key as string, (record) => {
            if (fault === "unknown version") record.v = 7;
            else record.price = -100;
          });
        const run = await restart(store);
        expectLoud(run, key as string, open?.clientOrderId);
      });
  });

  it("the store emptied while the run runs (Redis restarted without its data): the run stops loudly, never starts fresh", async () => {
    const store = freshStore("wipe");
    let wiped = false;
    const run = await runFaultScenario(store, {
      clock: (clock) => ({
        now: () => clock.now(),
        async sleep(ms, signal) {
          await clock.sleep(ms, signal);
          if (!wiped && clock.now() >= T0 + 5 * MINUTE_MS) {
            wiped = true;
            await store.wipe();
          }
        },
      }),
    });
    expect(wiped).toBe(true);
    expect(BtError.isInstance(run.failure) && ["STATE", "LEASE"].includes(run.failure.code)).toBe(true);
    expect(run.errors.some((error) => error.source === "Live" && error.willRetry === false)).toBe(true);
    expect(closedOf(run.results)).toEqual([]);
    const after = await storedOutcome(store);
    expect(after.closed).toEqual([]);
    expect(after.position).toBeNull();
  });
});

/**
 * The run met a bad record of `key` loudly: it refused to start with an error naming it, or it
 * reported it (an error event naming `key` or `alsoNamed`) and ended; never silently, never endlessly.
 */
function expectLoud(run: IFaultRun, key: string, alsoNamed?: string) {
  const names = (text: string) => text.includes(key) || (alsoNamed !== undefined && text.includes(alsoNamed));
  if (run.failure !== undefined) {
    expect(BtError.isInstance(run.failure)).toBe(true);
    expect((run.failure as Error).message).toSatisfy(names);
    return;
  }
  const naming = run.errors.filter((error) => names(error.message));
  expect(naming.length, `errors: ${JSON.stringify(run.errors)}`).toBeGreaterThan(0);
  // Reported once (or a few times), not on every tick of an endless retry.
  expect(run.errors.length).toBeLessThan(5);
}
