// Fault injection per measured failure of the live campaign: broker outages on open and close, NaN and
// garbage fills, hung broker / exchange / strategy (live and backtest), two processes on one store,
// corrupted and invalid records of every kind, a store emptied mid-run, events across a crash. Each
// run is compared with the uninterrupted one: what is recorded is exactly what the broker filled.

import {
  BtError,
  type IBroker,
  type IBrokerFill,
  type ISignalDto,
  type IStrategyTickResult,
  type IStrategyTickResultCancelled,
  type IStrategyTickResultClosed,
} from "@bt/core";
import { memoryLeaseIdV2 } from "@bt/persist-testkit";
import { describe, expect, it } from "vitest";
import {
  createPaperBroker,
  createSimulatedClock,
  getAveragePrice,
  type IEngine,
  type ILiveOptions,
  type IPaperBroker,
  readLiveState,
} from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";
import { memoryStore, SYMBOL } from "./liveHelpers";

const RUN_KEY = `${SYMBOL}:once:mem`;
/** Flat at 100, then from minute 5 to 15 a ramp to 102, flat after: a long with TP 101 hits it at ~13. */
const RAMP = series(-60, 600, (minute) => (minute < 5 ? 100 : minute < 15 ? 100 + 0.2 * (minute - 5) : 102));

/** An engine with exchange "mem" (the ramp) and strategy "once": one long at minute 0 (TP +1 %, SL −1 %). */
function onceEngine(config: Record<string, number> = {}, getSignalTimeoutMs?: number): IEngine {
  const engine = createTestEngine({ expectErrors: true, config });
  engine.addExchange(memoryExchange("mem", { [SYMBOL]: RAMP }));
  engine.addStrategy({
    strategyName: "once",
    interval: "1m",
    getSignalTimeoutMs,
    getSignal: async (symbol: string, when: Date): Promise<ISignalDto | null> => {
      if (when.getTime() !== T0) return null;
      const price = await getAveragePrice(symbol);
      return {
        position: "long",
        priceTakeProfit: price * 1.01,
        priceStopLoss: price * 0.99,
        minuteEstimatedTime: 240,
      };
    },
  });
  return engine;
}

interface IScenario {
  engine: IEngine;
  results: IStrategyTickResult[];
  errors: Error[];
  paper: IPaperBroker;
  records: Map<string, string>;
}

/** Runs "once" from T0 to `stopAt` over a paper broker wrapped by `wrap`. */
async function scenario(
  wrap: (paper: IPaperBroker, clock: { now(): number }) => IBroker = (paper) => paper,
  options: Partial<ILiveOptions> & {
    engine?: IEngine;
    records?: Map<string, string>;
    startMs?: number;
    /** The store's lease clock (a restart after a kill: later, so the dead holder's lease expired). */
    storeNow?: () => number;
  } = {},
): Promise<IScenario> {
  const {
    engine = onceEngine(),
    records = new Map<string, string>(),
    startMs = T0,
    storeNow,
    ...live
  } = options;
  const errors: Error[] = [];
  engine.listenError((error) => {
    errors.push(error);
  });
  const clock = createSimulatedClock(startMs);
  const persist = memoryStore({ records, now: storeNow });
  const paper = createPaperBroker({ persist, now: () => clock.now() });
  const results = await collect(
    engine.Live.run(
      SYMBOL,
      { strategyName: "once", exchangeName: "mem" },
      { persist, clock, broker: wrap(paper, clock), stopAt: T0 + 120 * MINUTE, ...live },
    ),
  );
  await engine.waitForListeners();
  return { engine, results, errors, paper, records };
}

/** A broker failing every call (orderState included) while `down(leg, nowMs)`; otherwise the paper broker. */
function outage(
  paper: IPaperBroker,
  clock: { now(): number },
  down: (leg: "open" | "close", nowMs: number) => boolean,
): IBroker {
  const refuse = () =>
    new BtError("BROKER", "venue: 503 service unavailable", { adapter: "venue", retryable: true });
  return {
    name: "venue",
    specVersion: 1,
    openPosition: async (signal, price) => {
      if (down("open", clock.now())) throw refuse();
      return paper.openPosition(signal, price);
    },
    closePosition: async (signal, price, reason) => {
      if (down("close", clock.now())) throw refuse();
      return paper.closePosition(signal, price, reason);
    },
    orderState: async (id, symbol) => {
      if (down("open", clock.now()) && down("close", clock.now())) throw refuse();
      return paper.orderState(id, symbol);
    },
    openPositions: (symbol) => paper.openPositions(symbol),
  };
}

/** Truncates a stored record (a torn write): the adapter quarantines it on its next read. */
function garble(records: Map<string, string>, id: string): void {
  const text = records.get(id);
  expect(text, id).toBeDefined();
  records.set(id, (text as string).slice(0, 17));
}

const closedOf = (results: IStrategyTickResult[]) =>
  results.filter((result): result is IStrategyTickResultClosed => result.action === "closed");

/** Every recorded trade is the broker's fills: open and close prices and times equal its orders. */
async function expectHistoryIsTheBrokersFills(records: Map<string, string>, paper: IPaperBroker) {
  const state = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
  const orders = await paper.orders();
  for (const closed of state.closed) {
    const open = orders.find((order) => order.signalId === closed.signal.id && order.leg === "open");
    const close = orders.find((order) => order.signalId === closed.signal.id && order.leg === "close");
    expect(closed.pnl.priceOpen).toBe(open?.price);
    expect(closed.signal.pendingAt).toBe(open?.filledAt);
    expect(closed.pnl.priceClose).toBe(close?.price);
    expect(closed.timestamp).toBe(close?.filledAt);
  }
  // No open was ever filled beyond its own take profit or stop loss.
  for (const order of orders.filter((entry) => entry.leg === "open")) {
    expect(order.signal?.priceTakeProfit ?? Number.POSITIVE_INFINITY).toBeGreaterThan(order.requestedPrice);
    expect(order.signal?.priceStopLoss ?? 0).toBeLessThan(order.requestedPrice);
  }
  return { state, orders };
}

describe("broker outage on open", () => {
  it("the uninterrupted run: open at minute 0, take profit on the ramp, recorded at the paper fills", async () => {
    const run = await scenario();
    expect(run.errors).toEqual([]);
    const [closed] = closedOf(run.results);
    expect(closed?.closeReason).toBe("take_profit");
    expect(closed?.signal.pendingAt).toBe(T0);
    await expectHistoryIsTheBrokersFills(run.records, run.paper);
  });

  it("1 minute: opened at the next minute at that minute's price; the same trade otherwise", async () => {
    const reference = closedOf((await scenario()).results)[0] as IStrategyTickResultClosed;
    const run = await scenario((paper, clock) =>
      outage(paper, clock, (leg, now) => leg === "open" && now < T0 + MINUTE),
    );
    expect(run.errors.map((error) => error.message)).toEqual(["venue: 503 service unavailable"]);
    const [closed] = closedOf(run.results);
    expect(closed?.signal.id).toBe(reference.signal.id);
    expect(closed?.signal.pendingAt).toBe(T0 + MINUTE);
    expect(closed?.timestamp).toBe(reference.timestamp);
    expect(closed?.closeReason).toBe("take_profit");
    await expectHistoryIsTheBrokersFills(run.records, run.paper);
  });

  it.each([15, 60])(
    "%i minutes: the market crossed the take profit meanwhile, so the open is cancelled as stale, never filled",
    async (minutes) => {
      const run = await scenario((paper, clock) =>
        outage(paper, clock, (leg, now) => leg === "open" && now < T0 + minutes * MINUTE),
      );
      const cancelled = run.results.filter(
        (result): result is IStrategyTickResultCancelled => result.action === "cancelled",
      );
      expect(cancelled.map((result) => result.cancelReason)).toEqual(["stale"]);
      expect(run.results.filter((result) => result.action === "opened")).toEqual([]);
      const { state, orders } = await expectHistoryIsTheBrokersFills(run.records, run.paper);
      expect(orders).toEqual([]);
      expect(state.closed).toEqual([]);
      expect(state.position).toBeNull();
      expect(run.errors.every((error) => error.message === "venue: 503 service unavailable")).toBe(true);
    },
  );
});

describe("broker outage on close", () => {
  it.each([1, 15, 60])(
    "%i minutes: the position stays open and is closed when the broker takes the order, recorded at its fill",
    async (minutes) => {
      const reference = closedOf((await scenario()).results)[0] as IStrategyTickResultClosed;
      const until = reference.timestamp + minutes * MINUTE;
      const run = await scenario((paper, clock) =>
        outage(paper, clock, (leg, now) => leg === "close" && now < until),
      );
      const [closed] = closedOf(run.results);
      expect(closed?.signal.id).toBe(reference.signal.id);
      expect(closed?.closeReason).toBe("take_profit");
      // Recorded when and where the broker sold, not at the decision (the minute and level of the TP).
      expect(closed?.timestamp).toBe(until);
      expect(closed?.pnl.priceClose).toBeCloseTo(
        minutes >= 15 ? 102 * 0.999 : (closed?.currentPrice ?? 0) * 0.999,
        9,
      );
      await expectHistoryIsTheBrokersFills(run.records, run.paper);
      expect(run.errors.length).toBe(minutes);
    },
  );
});

/** A broker whose open fills come back with `damage` applied while `damaged()` (orderState too). */
function damagedFills(
  paper: IPaperBroker,
  damage: (fill: IBrokerFill) => IBrokerFill,
  damaged: () => boolean,
): IBroker {
  const maybe = (fill: IBrokerFill) => (damaged() ? damage(fill) : fill);
  return {
    name: "venue",
    specVersion: 1,
    openPosition: async (signal, price) => maybe(await paper.openPosition(signal, price)),
    closePosition: (signal, price, reason) => paper.closePosition(signal, price, reason),
    orderState: async (id, symbol) => {
      const state = await paper.orderState(id, symbol);
      return state.state === "filled" ? { state: "filled", fill: maybe(state.fill) } : state;
    },
    openPositions: (symbol) => paper.openPositions(symbol),
  };
}

describe("invalid broker fills", () => {
  it("a NaN open fill: the position is managed at the price asked, the fill looked up again each tick, then corrected", async () => {
    const reference = closedOf((await scenario()).results)[0] as IStrategyTickResultClosed;
    let calls = 0;
    const run = await scenario((paper) =>
      damagedFills(
        paper,
        (fill) => ({ ...fill, price: Number.NaN }),
        () => calls++ < 3,
      ),
    );
    const fillErrors = run.errors.filter((error) => error.message.includes("unusable open fill"));
    expect(fillErrors.length).toBeGreaterThan(0);
    const [closed] = closedOf(run.results);
    // Corrected from the broker: the same trade and the same fills as the uninterrupted run.
    expect(closed?.pnl.priceOpen).toBe(reference.pnl.priceOpen);
    expect(closed?.timestamp).toBe(reference.timestamp);
    expect(closed?.pnl.pnlPercentage).toBeCloseTo(reference.pnl.pnlPercentage, 9);
    await expectHistoryIsTheBrokersFills(run.records, run.paper);
  });

  it.each([
    ["NaN price", (fill: IBrokerFill) => ({ ...fill, price: Number.NaN })],
    ["negative quantity", (fill: IBrokerFill) => ({ ...fill, quantity: -1 })],
    ["a price 50 % away", (fill: IBrokerFill) => ({ ...fill, price: fill.price * 1.5 })],
  ])(
    "a fill that stays garbage (%s): reported every tick with willRetry, take profit still checked, no endless loop",
    async (_name, damage) => {
      const run = await scenario((paper) => damagedFills(paper, damage, () => true));
      const [closed] = closedOf(run.results);
      expect(closed?.closeReason).toBe("take_profit");
      const fillErrors = run.errors.filter((error) => error.message.includes("unusable open fill"));
      expect(fillErrors.length).toBeGreaterThan(3);
      expect(run.engine.Live.getReport(SYMBOL, "once")).toContain("unusable open fill");
    },
  );
});

/** A promise that never settles. */
const never = <T>() => new Promise<T>(() => undefined);

describe("hung calls time out", () => {
  it("a broker that never answers: TIMEOUT (retryable), resolved by client order id, the open then completes", async () => {
    const engine = onceEngine({ CC_BROKER_TIMEOUT_MS: 30 });
    let hung = 0;
    const run = await scenario(
      (paper) => ({
        name: "venue",
        specVersion: 1,
        // The first call reaches the venue (the paper book fills it) but the answer never comes back.
        openPosition: async (signal, price) => {
          const fill = await paper.openPosition(signal, price);
          return hung++ === 0 ? never<IBrokerFill>() : fill;
        },
        closePosition: (signal, price, reason) => paper.closePosition(signal, price, reason),
        orderState: (id, symbol) => paper.orderState(id, symbol),
        openPositions: (symbol) => paper.openPositions(symbol),
      }),
      { engine },
    );
    expect(run.errors.map((error) => (BtError.isInstance(error) ? error.code : "other"))).toEqual([
      "TIMEOUT",
    ]);
    expect(run.errors[0]?.message).toMatch(/^broker venue: openPosition of .* did not settle within 30 ms/);
    // Looked up by its client order id, never sent a second time.
    expect(hung).toBe(1);
    const orders = await run.paper.orders();
    expect(orders.map((order) => [order.leg, order.requestCount])).toEqual([
      ["open", 1],
      ["close", 1],
    ]);
  });

  it("an exchange that never answers: TIMEOUT on that tick, the run goes on", async () => {
    const engine = createTestEngine({ expectErrors: true, config: { CC_EXCHANGE_TIMEOUT_MS: 30 } });
    const inner = memoryExchange("mem", { [SYMBOL]: RAMP });
    let calls = 0;
    engine.addExchange({
      exchangeName: "mem",
      getCandles: (symbol, interval, since, limit) =>
        calls++ === 2 ? never() : inner.getCandles(symbol, interval, since, limit),
    });
    engine.addStrategy({ strategyName: "once", interval: "1m", getSignal: async () => null });
    const run = await scenario(undefined, { engine, stopAt: T0 + 5 * MINUTE });
    expect(run.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^exchange mem: getCandles BTCUSDT 1m since .* did not settle within 30 ms$/),
    ]);
  });

  it("a live getSignal that never returns: counted as a failed getSignal; Live.stop resolves", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { [SYMBOL]: RAMP }));
    engine.addStrategy({
      strategyName: "once",
      interval: "1m",
      getSignalTimeoutMs: 30,
      getSignal: () => never(),
    });
    const run = await scenario(undefined, { engine, stopAt: T0 + 3 * MINUTE });
    expect(run.errors.map((error) => (BtError.isInstance(error) ? error.code : "other"))).toEqual([
      "TIMEOUT",
      "TIMEOUT",
      "TIMEOUT",
    ]);
    expect(run.engine.Live.getReport(SYMBOL, "once")).toContain("did not settle within 30 ms");
  });

  it("a backtest getSignal that settles after its timeout: counted once, its late signal never opens, later calls go on", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { [SYMBOL]: RAMP }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    const late = {
      position: "long" as const,
      priceTakeProfit: 1e9,
      priceStopLoss: 1,
      minuteEstimatedTime: 5,
    };
    const asked: number[] = [];
    engine.addStrategy({
      strategyName: "late",
      interval: "1m",
      getSignalTimeoutMs: 20,
      getSignal: (_symbol, when) => {
        asked.push((when.getTime() - T0) / MINUTE);
        return when.getTime() === T0 + 3 * MINUTE
          ? new Promise((resolve) => setTimeout(() => resolve(late), 150))
          : Promise.resolve(null);
      },
    });
    const results = await collect(
      engine.Backtest.run(
        SYMBOL,
        { strategyName: "late", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 10 },
      ),
    );
    // The late answer arrives while the run goes on (or after it ended): it changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(results).toEqual([]);
    const data = engine.Backtest.getData(SYMBOL, "late");
    expect(data.problems.getSignalCalls).toBe(30);
    expect(data.problems.getSignalFailures).toBe(1);
    expect(asked).toEqual(Array.from({ length: 30 }, (_, minute) => minute));
  });

  it("a backtest getSignal that never returns: a strategy error counted in the run's problems; the backtest ends", async () => {
    const engine = createTestEngine({ expectErrors: true });
    engine.addExchange(memoryExchange("mem", { [SYMBOL]: RAMP }));
    engine.addFrame({
      frameName: "f",
      interval: "1m",
      startDate: new Date(T0),
      endDate: new Date(T0 + 30 * MINUTE),
    });
    engine.addStrategy({
      strategyName: "once",
      interval: "1m",
      getSignalTimeoutMs: 20,
      getSignal: (_symbol, when) => (when.getTime() === T0 + 3 * MINUTE ? never() : Promise.resolve(null)),
    });
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    await collect(
      engine.Backtest.run(
        SYMBOL,
        { strategyName: "once", exchangeName: "mem", frameName: "f" },
        { warmupMinutes: 10 },
      ),
    );
    await engine.waitForListeners();
    const data = engine.Backtest.getData(SYMBOL, "once");
    expect(data.problems.getSignalCalls).toBe(30);
    expect(data.problems.getSignalFailures).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/^getSignal of strategy once on BTCUSDT at .* did not settle within 20 ms$/),
    ]);
  });
});

describe("one writer per store", () => {
  it("a second run on the store refuses with the holder's name; after the holder dies (lease expiry) it takes over", async () => {
    const records = new Map<string, string>();
    const engine = onceEngine();
    const holderStore = memoryStore({ records });
    const first = engine.Live.run(
      SYMBOL,
      { strategyName: "once", exchangeName: "mem" },
      { persist: holderStore, clock: createSimulatedClock(T0), leaseTtlMs: 300 },
    );
    await first.next();
    const other = onceEngine();
    const refused = await collect(
      other.Live.run(
        SYMBOL,
        { strategyName: "once", exchangeName: "mem" },
        { persist: memoryStore({ records }), clock: createSimulatedClock(T0), stopAt: T0 + MINUTE },
      ),
    ).catch((error: unknown) => error);
    expect(BtError.isInstance(refused) && refused.code).toBe("LEASE");
    const holder = JSON.parse(records.get(memoryLeaseIdV2(RUN_KEY)) as string).holder as string;
    expect((refused as Error).message).toContain(`is held by ${holder}`);
    expect(holder).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
    // The holder dies: its store calls fail, so no heartbeat and no release. The lease expires (300 ms)
    // and the next run takes it over with a higher fencing token.
    const killed = JSON.parse(records.get(memoryLeaseIdV2(RUN_KEY)) as string);
    holderStore.kill();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const infos: string[] = [];
    const taker = onceEngine();
    taker.setLogger({
      info: (message: string) => infos.push(message),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    });
    await collect(
      taker.Live.run(
        SYMBOL,
        { strategyName: "once", exchangeName: "mem" },
        {
          persist: memoryStore({ records }),
          clock: createSimulatedClock(T0 + MINUTE),
          stopAt: T0 + 2 * MINUTE,
        },
      ),
    );
    expect(infos.find((message) => message.startsWith("lease"))).toMatch(
      new RegExp(`^lease ${RUN_KEY} held by .+ \\(token ${killed.token + 1}\\)$`),
    );
    await first.return(undefined);
  });
});

describe("losing the lease", () => {
  it("another process taking the lease over stops the run loudly (BtError LEASE), nothing more is written", async () => {
    const records = new Map<string, string>();
    const engine = onceEngine();
    let timeMs = T0;
    // Each tick also takes 5 ms of real time, so the heartbeat (every ttl/3 = 100 ms) runs meanwhile; a
    // ttl well above timer delays on a loaded machine keeps the run's own lease from lapsing first.
    const clock = {
      now: () => timeMs,
      sleep: async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        timeMs += ms;
      },
    };
    engine.listenSignalLive((result) => {
      if (result.timestamp !== T0 + 2 * MINUTE) return;
      const lease = JSON.parse(records.get(memoryLeaseIdV2(RUN_KEY)) as string);
      records.set(
        memoryLeaseIdV2(RUN_KEY),
        JSON.stringify({
          holder: "thief:1:00000000",
          token: lease.token + 1,
          expiresAt: Date.now() + 60_000,
        }),
      );
    });
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const persist = memoryStore({ records });
    const error = await collect(
      engine.Live.run(
        SYMBOL,
        { strategyName: "once", exchangeName: "mem" },
        { persist, clock, leaseTtlMs: 300, stopAt: T0 + 600 * MINUTE },
      ),
    ).catch((caught: unknown) => caught);
    await engine.waitForListeners();
    expect(BtError.isInstance(error) && error.code).toBe("LEASE");
    expect(timeMs).toBeLessThan(T0 + 600 * MINUTE);
    expect(errors.some((message) => message.includes("lease"))).toBe(true);
    // The thief's lease is left alone (not released by the run that lost it).
    expect(JSON.parse(records.get(memoryLeaseIdV2(RUN_KEY)) as string).holder).toBe("thief:1:00000000");
  });
});

describe("corrupted and invalid records", () => {
  /** A store after a run that leaves the "once" position open (stopped at minute 5). */
  async function openStore() {
    const records = new Map<string, string>();
    await scenario(undefined, { records, stopAt: T0 + 5 * MINUTE });
    return records;
  }

  it("a garbled position record is rebuilt from the broker and reported (never restarted flat)", async () => {
    const records = await openStore();
    const before = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
    garble(records, `position/${RUN_KEY}`);
    const run = await scenario(undefined, { records, startMs: T0 + 5 * MINUTE });
    expect(run.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(`rebuilt position ${before.position?.signal.id} from broker paper`),
    ]);
    const [closed] = closedOf(run.results);
    expect(closed?.signal.id).toBe(before.position?.signal.id);
    expect(closed?.pnl.priceOpen).toBe(before.position?.signal.priceOpen);
    expect(run.engine.Live.getReport(SYMBOL, "once")).toContain("rebuilt position");
  });

  it.each([
    [
      "a negative take profit",
      (record: Record<string, Record<string, unknown>>) => {
        (record.signal as Record<string, unknown>).priceTakeProfit = -5;
      },
    ],
    [
      "an unknown version",
      (record: Record<string, unknown>) => {
        record.v = 7;
      },
    ],
    [
      "a NaN open fill",
      (record: Record<string, Record<string, unknown>>) => {
        (record.openFill as Record<string, unknown>).price = null;
      },
    ],
  ])(
    "a position record with %s is reconciled like a corrupted one (never retried forever)",
    async (_name, change) => {
      const records = await openStore();
      const id = `position/${RUN_KEY}`;
      const record = JSON.parse(records.get(id) as string);
      change(record);
      records.set(id, JSON.stringify(record));
      const run = await scenario(undefined, { records, startMs: T0 + 5 * MINUTE });
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]?.message).toContain("is unusable");
      expect(closedOf(run.results).map((closed) => closed.closeReason)).toEqual(["take_profit"]);
    },
  );

  it("an open record the broker does not confirm (no fill for its client order id) is resolved with a reason", async () => {
    const records = await openStore();
    const before = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
    // A broker that never saw the order: an empty paper book.
    const run = await scenario(() => createPaperBroker({ name: "venue" }), {
      records,
      startMs: T0 + 5 * MINUTE,
      stopAt: T0 + 6 * MINUTE,
    });
    expect(run.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(
        `position ${before.position?.signal.id} is not confirmed by broker venue (open order bto-`,
      ),
    ]);
    const after = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
    expect(after.position).toBeNull();
    expect(run.engine.Live.getReport(SYMBOL, "once")).toContain("is not confirmed by broker venue");
  });

  it("a garbled position whose broker holds no signal data refuses to start, naming the position", async () => {
    const records = await openStore();
    garble(records, `position/${RUN_KEY}`);
    const error = await scenario(
      (paper) => ({
        ...paper,
        name: "venue",
        openPositions: async (symbol) =>
          (await paper.openPositions(symbol)).map(({ signal: _signal, ...position }) => position),
      }),
      { records, startMs: T0 + 5 * MINUTE },
    ).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error) && error.code).toBe("STATE");
    expect((error as Error).message).toMatch(
      /holds position\(s\) bto-\S+ on BTCUSDT without signal data; refusing to start flat/,
    );
  });

  it.each([
    ["garbled", async (records: Map<string, string>, key: string) => garble(records, `closed/${key}`)],
    [
      "of an unknown version",
      async (records: Map<string, string>, key: string) => {
        records.set(
          `closed/${key}`,
          JSON.stringify({ ...JSON.parse(records.get(`closed/${key}`) as string), v: 9 }),
        );
      },
    ],
    [
      "with a negative price",
      async (records: Map<string, string>, key: string) => {
        const record = JSON.parse(records.get(`closed/${key}`) as string);
        record.pnl.priceClose = -1;
        records.set(`closed/${key}`, JSON.stringify(record));
      },
    ],
  ])(
    "a closed-trade record %s is a missing trade in the report and the problems, with its key",
    async (_name, damage) => {
      const records = new Map<string, string>();
      await scenario(undefined, { records, stopAt: T0 + 60 * MINUTE });
      const key = [...records.keys()]
        .find((id) => id.startsWith("closed/"))
        ?.slice("closed/".length) as string;
      expect(key).toBeDefined();
      await damage(records, key);
      const run = await scenario(undefined, { records, startMs: T0 + 60 * MINUTE, stopAt: T0 + 61 * MINUTE });
      expect(run.errors.map((error) => error.message)).toEqual([
        expect.stringContaining(`closed trade record closed/${key} is missing from the history`),
      ]);
      expect(run.engine.Live.getReport(SYMBOL, "once")).toContain(`closed/${key} is missing`);
    },
  );

  it.each([
    ["scheduled", { v: 1, phase: "scheduled", signal: { kind: "scheduled" }, result: {} }],
    ["cursor", { v: 1, lastTickMs: -Number.MAX_VALUE * 10, lastSignalBoundaryMs: null }],
  ])("a malformed %s record refuses the start (BtError PERSIST naming it)", async (entity, value) => {
    const records = new Map<string, string>();
    records.set(`${entity}/${RUN_KEY}`, JSON.stringify(value));
    const error = await scenario(undefined, { records }).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error) && error.code).toBe("PERSIST");
    expect((error as Error).message).toContain(`live record ${entity}/${RUN_KEY} is malformed`);
  });

  it("a garbled generation record refuses the start", async () => {
    const records = await openStore();
    garble(records, `cursor/${RUN_KEY}#generation`);
    const error = await scenario(undefined, { records, startMs: T0 + 5 * MINUTE }).catch(
      (caught: unknown) => caught,
    );
    expect(BtError.isInstance(error) && error.code).toBe("STATE");
    expect((error as Error).message).toContain(`generation record ${RUN_KEY}#generation`);
  });
});

describe("periodic reconciliation", () => {
  it("a position record lost mid-run is rewritten from the running state and reported", async () => {
    const records = new Map<string, string>();
    const engine = onceEngine();
    engine.listenSignalLive((result) => {
      if (result.timestamp === T0 + 3 * MINUTE) records.delete(`position/${RUN_KEY}`);
    });
    const run = await scenario(undefined, {
      engine,
      records,
      reconcileEveryTicks: 2,
      stopAt: T0 + 8 * MINUTE,
    });
    expect(run.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/the record of open position \S+ is missing; rewritten from the running state$/),
    ]);
    const state = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
    expect(state.position?.phase).toBe("open");
    expect(state.position?.signal.pendingAt).toBe(T0);
  });
});

describe("a store that comes back empty", () => {
  it("mid-run: the run stops loudly (an error event, the run ends with an error), never starts fresh", async () => {
    const records = new Map<string, string>();
    const engine = onceEngine();
    engine.listenSignalLive((result) => {
      // The store is wiped while the position is open (Redis restarted without its data).
      if (result.timestamp === T0 + 5 * MINUTE) records.clear();
    });
    const error = await scenario(undefined, { engine, records }).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error) && ["STATE", "LEASE"].includes(error.code)).toBe(true);
    const state = await readLiveState(memoryStore({ records }), SYMBOL, "once", "mem");
    expect(state.closed).toEqual([]);
  });
});

describe("events across a crash", () => {
  it("an event committed but maybe not delivered is delivered again on restart, with the same event id", async () => {
    const records = new Map<string, string>();
    const engine = onceEngine();
    let opened: IStrategyTickResult | undefined;
    const persist = memoryStore({ records });
    engine.listenSignalLive((result) => {
      // Killed right after the open was committed, before its listeners ran to the end.
      if (result.action === "opened" && opened === undefined) {
        opened = result;
        persist.kill();
      }
    });
    const clock = createSimulatedClock(T0);
    const first = engine.Live.run(
      SYMBOL,
      { strategyName: "once", exchangeName: "mem" },
      {
        persist,
        clock,
        broker: createPaperBroker({ persist, now: () => clock.now() }),
        stopAt: T0 + 3 * MINUTE,
      },
    );
    await first.next();
    await engine.waitForListeners();
    await first.return(undefined);
    expect(opened?.action).toBe("opened");
    const restarted = await scenario(undefined, {
      records,
      startMs: T0 + MINUTE,
      stopAt: T0 + 2 * MINUTE,
      storeNow: () => Date.now() + 10 * 60_000,
    }).catch((error: unknown) => error);
    expect(restarted).not.toBeInstanceOf(Error);
    const again = (restarted as IScenario).results[0];
    expect(again).toEqual(opened);
  });
});
