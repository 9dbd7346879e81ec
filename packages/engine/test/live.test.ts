// Live mode on a simulated clock and an in-memory exchange: a day of minutes in seconds, the same
// closed signals as Backtest, restore of pending and scheduled signals after a restart, broker errors
// retried without a state change, graceful stop, the live report and option validation.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BtError,
  clientOrderId,
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
  type IStrategyTickResultOpened,
  NO_RULES,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { createPaperBroker, createSimulatedClock, readLiveState } from "../src/index";
import { collect, MINUTE, T0 } from "./helpers";
import { closedBrief, flakyBroker, memoryStore, runWiggleLive, SYMBOL, wiggleEngine } from "./liveHelpers";

const DAY = 1440 * MINUTE;
const closedOf = (results: IStrategyTickResult[]) =>
  results.filter((result): result is IStrategyTickResultClosed => result.action === "closed");

describe("Live on a simulated clock", () => {
  it.each(["1m", "5m"] as const)(
    "runs a day of minutes (1,440 ticks) with the same closed and cancelled signals as Backtest (interval %s)",
    async (interval) => {
      const backtestEngine = wiggleEngine(interval);
      backtestEngine.addFrame({
        frameName: "day",
        interval: "1m",
        startDate: new Date(T0),
        endDate: new Date(T0 + DAY),
      });
      const backtest = await collect(
        backtestEngine.Backtest.run(
          SYMBOL,
          { strategyName: "wiggle", exchangeName: "mem", frameName: "day" },
          { warmupMinutes: 60 },
        ),
      );

      const engine = wiggleEngine(interval);
      const ticks: IStrategyTickResult[] = [];
      engine.listenSignalLive((result) => {
        ticks.push(result);
      });
      const done: boolean[] = [];
      engine.listenDoneLive((event) => {
        done.push(event.stopped);
      });
      const persist = memoryStore();
      const live = await runWiggleLive(engine, T0, { persist, stopAt: T0 + DAY });
      await engine.waitForListeners();

      // One tick result per minute reaches listenSignalLive, all with backtest = false.
      expect(ticks).toHaveLength(1440);
      expect(ticks.every((tick) => tick.backtest === false)).toBe(true);
      expect(ticks.map((tick) => tick.timestamp)).toEqual(
        Array.from({ length: 1440 }, (_, m) => T0 + m * MINUTE),
      );
      expect(done).toEqual([false]);

      // A signal still open or scheduled at the end of live is the one Backtest ends at the frame end.
      const state = await readLiveState(persist, SYMBOL, "wiggle", "mem");
      const openId = state.position?.signal.id ?? state.scheduled?.signal.id;
      const atFrameEnd = (result: IStrategyTickResult) =>
        "signal" in result && result.signal.id === openId && result.timestamp === T0 + DAY - MINUTE;
      const backtestClosed = closedOf(backtest).filter((result) => !atFrameEnd(result));
      const liveClosed = closedOf(live);
      expect(liveClosed.length).toBeGreaterThan(10);
      // Live records the paper broker's fills: the backtest's prices moved by the slippage (buy up,
      // sell down), and the same net pnl computed from those fills.
      const slip = 0.1 / 100;
      const asFilled = (result: IStrategyTickResultClosed) => {
        const long = result.signal.position === "long";
        return {
          ...closedBrief(result),
          priceOpen: result.pnl.priceOpen * (long ? 1 + slip : 1 - slip),
          priceClose: result.pnl.priceClose * (long ? 1 - slip : 1 + slip),
        };
      };
      const rounded = (brief: ReturnType<typeof closedBrief>) => ({
        ...brief,
        priceOpen: brief.priceOpen.toFixed(9),
        priceClose: brief.priceClose.toFixed(9),
        pnl: brief.pnl.toFixed(9),
      });
      expect(liveClosed.map(closedBrief).map(rounded)).toEqual(backtestClosed.map(asFilled).map(rounded));
      const reasons = new Set(liveClosed.map((result) => result.closeReason));
      expect(reasons.has("take_profit") && reasons.has("stop_loss")).toBe(true);
      const brief = (result: IStrategyTickResult) => [
        result.action,
        result.timestamp,
        "signal" in result ? result.signal.id : "",
      ];
      const backtestRest = backtest
        .filter((result) => result.action !== "closed" && !atFrameEnd(result))
        .map(brief);
      const liveRest = live.filter((result) => result.action !== "closed").map(brief);
      expect(liveRest).toEqual(backtestRest);
      expect(live.some((result) => result.action === "cancelled")).toBe(true);
      expect(live.some((result) => result.action === "scheduled")).toBe(true);
      // The persisted closed history is the same list.
      expect(state.closed.map(closedBrief)).toEqual(liveClosed.map(closedBrief));
    },
  );
});

describe("Live restart", () => {
  it("restores a pending signal and a scheduled one without a second open, and ends like an uninterrupted run", async () => {
    const end = T0 + 6 * 60 * MINUTE;
    const reference = memoryStore();
    const referenceClock = createSimulatedClock(T0);
    const referenceBroker = createPaperBroker({ persist: reference, now: () => referenceClock.now() });
    const uninterrupted = await runWiggleLive(wiggleEngine(), T0, {
      persist: reference,
      broker: referenceBroker,
      clock: referenceClock,
      stopAt: end,
    });
    const referenceState = await readLiveState(reference, SYMBOL, "wiggle", "mem");
    const opened = uninterrupted.filter(
      (result): result is IStrategyTickResultOpened => result.action === "opened",
    );
    const scheduled = uninterrupted.filter((result) => result.action === "scheduled");
    // One restart while a position is open, one while a signal is scheduled.
    const whileOpen = (opened[2]?.timestamp ?? 0) + 2 * MINUTE;
    const whileScheduled =
      (scheduled.find((result) => result.timestamp > whileOpen + 60 * MINUTE)?.timestamp ?? 0) + MINUTE;
    expect(whileOpen).toBeGreaterThan(T0);
    expect(whileScheduled).toBeGreaterThan(whileOpen);

    const records = new Map<string, string>();
    const all: IStrategyTickResult[] = [];
    let startMs = T0;
    const restoredPhases: string[] = [];
    for (const stopAt of [whileOpen, whileScheduled, end]) {
      const persist = memoryStore({ records });
      if (startMs > T0) {
        const saved = await readLiveState(persist, SYMBOL, "wiggle", "mem");
        restoredPhases.push(saved.position?.phase ?? `scheduled:${saved.scheduled?.phase}`);
      }
      const engine = wiggleEngine();
      const clock = createSimulatedClock(startMs);
      const broker = createPaperBroker({ persist, now: () => clock.now() });
      const onOpen: string[] = [];
      engine.listenSignalLive((result) => {
        if (result.action === "opened") onOpen.push(result.signal.id);
      });
      const results = await runWiggleLive(engine, startMs, { persist, broker, clock, stopAt });
      await engine.waitForListeners();
      // Each process emits opened only for positions it opened itself.
      expect(onOpen).toEqual(
        results
          .filter((result) => result.action === "opened")
          .map((result) => "signal" in result && result.signal.id),
      );
      all.push(...results);
      startMs = stopAt;
    }
    expect(restoredPhases).toEqual(["open", "scheduled:scheduled"]);
    // The yielded results across the three processes are those of the uninterrupted run.
    const brief = (result: IStrategyTickResult) => [
      result.action,
      result.timestamp,
      "signal" in result ? result.signal.id : "",
    ];
    expect(all.map(brief)).toEqual(uninterrupted.map(brief));
    const state = await readLiveState(memoryStore({ records }), SYMBOL, "wiggle", "mem");
    expect(state.closed.map(closedBrief)).toEqual(referenceState.closed.map(closedBrief));
    expect(state.position?.signal.id).toEqual(referenceState.position?.signal.id);
    // The broker saw each signal opened exactly once.
    const orders = await createPaperBroker({ persist: memoryStore({ records }) }).orders();
    const referenceOrders = await referenceBroker.orders();
    expect(orders.map((order) => [order.clientOrderId, order.price, order.requestCount])).toEqual(
      referenceOrders.map((order) => [order.clientOrderId, order.price, 1]),
    );
  });
});

describe("Live broker errors", () => {
  it("a retryable broker error leaves the state unchanged and the open is retried next tick", async () => {
    const engine = wiggleEngine("1m", { expectErrors: true });
    const persist = memoryStore();
    const clock = createSimulatedClock(T0);
    const paper = createPaperBroker({ persist, now: () => clock.now() });
    let failures = 0;
    const broker = flakyBroker(
      paper,
      (leg) => leg === "open" && failures++ < 3,
      () => new BtError("BROKER", "flaky: venue timeout", { adapter: "flaky", retryable: true }),
    );
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const phases: string[] = [];
    const seen: IStrategyTickResult[] = [];
    engine.listenSignalLive(async (result) => {
      seen.push(result);
      const saved = await readLiveState(persist, SYMBOL, "wiggle", "mem");
      phases.push(`${result.action}:${saved.position?.phase ?? "-"}`);
    });
    const results = await runWiggleLive(engine, T0, { persist, broker, clock, stopAt: T0 + 10 * MINUTE });
    await engine.waitForListeners();
    expect(errors).toEqual(["flaky: venue timeout", "flaky: venue timeout", "flaky: venue timeout"]);
    const firstOpened = results.find((result) => result.action === "opened");
    expect(firstOpened).toBeDefined();
    const openedAt = (firstOpened as IStrategyTickResultOpened).timestamp;
    // Decided three ticks earlier; the three failed attempts reached no listener; the open is recorded
    // at the minute and price the broker filled it (sent again at the current price), not at the decision.
    const decidedAt = openedAt - 3 * MINUTE;
    expect(seen.filter((result) => result.timestamp >= decidedAt && result.timestamp < openedAt)).toEqual([]);
    const ticksBefore = seen.filter((result) => result.timestamp < openedAt);
    expect(seen.indexOf(firstOpened as IStrategyTickResult)).toBe(ticksBefore.length);
    expect(seen.filter((result) => result.timestamp === openedAt + MINUTE)).toHaveLength(1);
    expect(phases[seen.indexOf(firstOpened as IStrategyTickResult)]).toBe("opened:open");
    const orders = await paper.orders();
    const openOrder = orders.find(
      (order) => order.signalId === (firstOpened as IStrategyTickResultOpened).signal.id,
    );
    expect(openOrder?.clientOrderId).toBe(
      clientOrderId((firstOpened as IStrategyTickResultOpened).signal.id, "open"),
    );
    expect((firstOpened as IStrategyTickResultOpened).signal.priceOpen).toBe(openOrder?.price);
    expect((firstOpened as IStrategyTickResultOpened).signal.pendingAt).toBe(openOrder?.filledAt);
    expect(openOrder?.requestCount).toBe(1);
  });

  it("while the broker fails, the intent stays persisted; a failing close keeps the position open", async () => {
    const engine = wiggleEngine("1m", { expectErrors: true });
    const persist = memoryStore();
    let clock = createSimulatedClock(T0);
    const paper = createPaperBroker({ persist, now: () => clock.now() });
    let closeFails = true;
    const broker = flakyBroker(
      paper,
      (leg) => leg === "close" && closeFails,
      () => new Error("socket hang up"),
    );
    const reference = await runWiggleLive(wiggleEngine("1m", { expectErrors: true }), T0, {
      persist: memoryStore(),
      stopAt: T0 + 240 * MINUTE,
    });
    const firstClose = reference.find((result) => result.action === "closed") as IStrategyTickResultClosed;
    await runWiggleLive(engine, T0, { persist, broker, clock, stopAt: firstClose.timestamp + 5 * MINUTE });
    const stuck = await readLiveState(persist, SYMBOL, "wiggle", "mem");
    expect(stuck.position?.phase).toBe("closing");
    expect(stuck.position?.signal.id).toBe(firstClose.signal.id);
    expect(stuck.closed).toEqual([]);
    closeFails = false;
    const engine2 = wiggleEngine("1m", { expectErrors: true });
    clock = createSimulatedClock(firstClose.timestamp + 5 * MINUTE);
    const results = await runWiggleLive(engine2, firstClose.timestamp + 5 * MINUTE, {
      persist,
      broker,
      clock,
      stopAt: firstClose.timestamp + 6 * MINUTE,
    });
    // The history records what the broker did: the close filled five minutes late, at that minute's price.
    const closeOrder = (await paper.orders()).find(
      (order) => order.signalId === firstClose.signal.id && order.leg === "close",
    );
    expect(closeOrder?.filledAt).toBe(firstClose.timestamp + 5 * MINUTE);
    const expected = {
      ...closedBrief(firstClose),
      timestamp: closeOrder?.filledAt,
      priceClose: closeOrder?.price,
      pnl: expect.any(Number),
    };
    expect(closedOf(results).map(closedBrief)).toEqual([expected]);
    const done = await readLiveState(persist, SYMBOL, "wiggle", "mem");
    expect(done.closed.map(closedBrief)).toEqual([expected]);
  });

  it("a non-retryable rejection of an open drops that signal (no position, no record)", async () => {
    const engine = wiggleEngine("1m", { expectErrors: true });
    const persist = memoryStore();
    const paper = createPaperBroker({ persist });
    let rejections = 0;
    const broker = flakyBroker(
      paper,
      (leg) => leg === "open" && rejections++ === 0,
      () => new BtError("BROKER", "flaky: insufficient balance", { adapter: "flaky", retryable: false }),
    );
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    const results = await runWiggleLive(engine, T0, { persist, broker, stopAt: T0 + 30 * MINUTE });
    await engine.waitForListeners();
    expect(errors).toEqual(["flaky: insufficient balance"]);
    const opens = results
      .filter((result) => result.action === "opened")
      .map((result) => "signal" in result && result.signal.id);
    const orders = await paper.orders();
    expect(
      orders
        .filter((order) => order.leg === "open")
        .map((order) => order.signalId)
        .sort(),
    ).toEqual([...opens].sort());
    expect(opens.length).toBeGreaterThan(0);
  });
});

describe("Live stop", () => {
  it("waits for the in-flight tick and leaves the open position persisted", async () => {
    const engine = wiggleEngine();
    const persist = memoryStore();
    let release: () => void = () => undefined;
    let blockedAt: number | undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inTick = new Promise<void>((resolve) => {
      entered = resolve;
    });
    engine.addStrategy({
      strategyName: "slow",
      interval: "1m",
      getSignal: async (symbol, when) => {
        if (when.getTime() === T0 + 20 * MINUTE) {
          blockedAt = when.getTime();
          entered();
          await blocked;
          return {
            position: "long",
            priceTakeProfit: 200,
            priceStopLoss: 90,
            minuteEstimatedTime: 600,
            note: symbol,
          };
        }
        return null;
      },
    });
    const done: boolean[] = [];
    engine.listenDoneLive((event) => {
      done.push(event.stopped);
    });
    const stop = engine.Live.background(
      SYMBOL,
      { strategyName: "slow", exchangeName: "mem" },
      { persist, clock: createSimulatedClock(T0), handleProcessSignals: false },
    );
    await inTick;
    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await engine.waitForListeners();
    // getSignal of the in-flight tick has not returned: stop is still waiting.
    expect(stopped).toBe(false);
    release();
    await stopping;
    await engine.waitForListeners();
    expect(blockedAt).toBe(T0 + 20 * MINUTE);
    expect(done).toEqual([true]);
    const state = await readLiveState(persist, SYMBOL, "slow", "mem");
    expect(state.position?.phase).toBe("open");
    expect(state.position?.signal.pendingAt).toBe(T0 + 20 * MINUTE);
    expect(state.cursor?.lastTickMs).toBe(T0 + 20 * MINUTE);
    // Stopping a run that is not running resolves at once.
    await engine.Live.stop(SYMBOL, "slow");
  });

  it("stops gracefully on SIGINT when it installed the process handlers", async () => {
    const engine = wiggleEngine();
    const before = process.listenerCount("SIGINT");
    const done: boolean[] = [];
    engine.listenDoneLive((event) => {
      done.push(event.stopped);
    });
    let calls = 0;
    const clock = createSimulatedClock(T0);
    const ready = new Promise<void>((resolve) => {
      engine.listenSignalLive(() => {
        if (++calls === 3) resolve();
      });
    });
    engine.Live.background(
      SYMBOL,
      { strategyName: "wiggle", exchangeName: "mem" },
      { clock, persist: memoryStore() },
    );
    await ready;
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    const finished = new Promise<void>((resolve) => {
      engine.listenDoneLiveOnce(
        () => true,
        () => resolve(),
      );
    });
    process.emit("SIGINT", "SIGINT");
    await finished;
    await engine.waitForListeners();
    expect(done).toEqual([true]);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});

describe("Live report and validation", () => {
  it("getReport includes closed history restored from persistence and the open position; dump writes <dir>/live/<strategy>.md", async () => {
    const records = new Map<string, string>();
    await runWiggleLive(wiggleEngine(), T0, {
      persist: memoryStore({ records }),
      stopAt: T0 + 120 * MINUTE,
    });
    const engine = wiggleEngine();
    expect(() => engine.Live.getReport()).toThrow(/no live run recorded/);
    const persist = memoryStore({ records });
    const results = await runWiggleLive(engine, T0 + 120 * MINUTE, { persist, stopAt: T0 + 180 * MINUTE });
    const state = await readLiveState(persist, SYMBOL, "wiggle", "mem");
    const earlier = state.closed.filter((result) => result.timestamp < T0 + 120 * MINUTE);
    expect(earlier.length).toBeGreaterThan(0);
    expect(closedOf(results).length).toBe(state.closed.length - earlier.length);
    const markdown = engine.Live.getReport(SYMBOL, "wiggle");
    expect(markdown).toContain("# Live report");
    expect(markdown).toContain(`Trades: ${state.closed.length}`);
    if (state.position !== null) expect(markdown).not.toContain("_No open positions._");
    const dir = await mkdtemp(join(tmpdir(), "bt-live-report-"));
    try {
      const path = await engine.Live.dump(SYMBOL, "wiggle", { dir });
      expect(path).toBe(join(dir, "live", "wiggle.md"));
      expect(await readFile(path, "utf8")).toBe(markdown);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects bad options, unknown names, a second run of the same strategy and a malformed record", async () => {
    const engine = wiggleEngine();
    const context = { strategyName: "wiggle", exchangeName: "mem" };
    const codeOf = async (run: AsyncGenerator<unknown>) => {
      try {
        await run.next();
      } catch (error) {
        return BtError.isInstance(error) ? `${error.code}:${error.field}` : "other";
      }
      return "none";
    };
    expect(await codeOf(engine.Live.run(SYMBOL, context, { tickIntervalMs: 0 }))).toBe(
      "VALIDATION:tickIntervalMs",
    );
    expect(await codeOf(engine.Live.run(SYMBOL, context, { tickIntervalMs: 1.5 }))).toBe(
      "VALIDATION:tickIntervalMs",
    );
    expect(await codeOf(engine.Live.run(SYMBOL, context, { stopAt: Number.NaN }))).toBe("VALIDATION:stopAt");
    expect(await codeOf(engine.Live.run(SYMBOL, { ...context, strategyName: "nope" }))).toBe(
      "SCHEMA:strategyName",
    );
    expect(await codeOf(engine.Live.run("", context))).toBe("VALIDATION:symbol");
    const persist = memoryStore();
    const first = engine.Live.run(SYMBOL, context, { persist, clock: createSimulatedClock(T0) });
    await first.next();
    expect(await codeOf(engine.Live.run(SYMBOL, context, { persist }))).toBe("STATE:strategyName");
    // Stopping while the consumer holds a result resolves at once; the generator then ends.
    await engine.Live.stop(SYMBOL, "wiggle");
    expect((await first.next()).done).toBe(true);
    // A record that is not a live position record is reported and reconciled with the broker (which
    // holds no position of this run here), never used.
    await persist.write("position", "BTCUSDT:wiggle:mem", { v: 1, phase: "open", signal: "garbage" });
    const reporting = wiggleEngine("1m", { expectErrors: true });
    const errors: string[] = [];
    reporting.listenError((error) => {
      errors.push(error.message);
    });
    await runWiggleLive(reporting, T0 + 5 * MINUTE, { persist, stopAt: T0 + 6 * MINUTE });
    await reporting.waitForListeners();
    expect(errors).toEqual([
      "Live wiggle on BTCUSDT: the position record BTCUSDT:wiggle:mem is unusable (signal is not an object); broker paper holds no position of this run, so the run continues flat",
    ]);
    expect(reporting.Live.getReport(SYMBOL, "wiggle")).toContain(
      "position record BTCUSDT:wiggle:mem is unusable",
    );
  });
});

describe("paper broker", () => {
  const signal = {
    kind: "pending" as const,
    id: "s:BTCUSDT:1",
    symbol: SYMBOL,
    strategyName: "s",
    exchangeName: "mem",
    position: "long" as const,
    priceOpen: 100,
    priceTakeProfit: 110,
    priceStopLoss: 95,
    minuteEstimatedTime: 60,
    note: "",
    cost: 1000,
    quantity: 10,
    scheduledAt: 1,
    pendingAt: 1,
    entry: "market" as const,
    rules: NO_RULES,
    fills: [{ kind: "entry" as const, price: 100, cost: 1000, at: 1, source: "open" as const }],
    originalTakeProfit: 110,
    originalStopLoss: 95,
    bestPrice: 100,
    worstPrice: 100,
    trailingTakePeak: null,
    breakevenDone: false,
    ladderNext: 0,
    dcaNext: 0,
  };

  it("fills at the requested price moved by slippage, charges the fee, and answers a repeated id with the first fill", async () => {
    const records = new Map<string, string>();
    const persist = memoryStore({ records });
    const broker = createPaperBroker({ persist, feePercent: 0.1, slippagePercent: 0.2, now: () => 42 });
    const open = await broker.openPosition(signal, 100);
    expect(open.clientOrderId).toBe(clientOrderId(signal.id, "open"));
    expect(open.price).toBeCloseTo(100.2, 12);
    expect(open.quantity).toBe(10);
    expect(open.feeQuote).toBeCloseTo((100.2 * 10 * 0.1) / 100, 12);
    expect(open.filledAt).toBe(42);
    // Concurrent and later duplicates (also from a new broker on the same records) return the first fill.
    const [again, concurrent] = await Promise.all([
      broker.openPosition(signal, 150),
      broker.openPosition(signal, 160),
    ]);
    expect(again).toEqual(open);
    expect(concurrent).toEqual(open);
    const restarted = createPaperBroker({
      persist: memoryStore({ records }),
      feePercent: 0.1,
      slippagePercent: 0.2,
      now: () => 99,
    });
    expect(await restarted.openPosition(signal, 170)).toEqual(open);
    const close = await restarted.closePosition(signal, 110, "take_profit");
    expect(close.price).toBeCloseTo(110 * 0.998, 12);
    const orders = await restarted.orders();
    expect(orders.map((order) => [order.leg, order.side, order.requestCount, order.reason])).toEqual([
      ["open", "buy", 4, null],
      ["close", "sell", 1, "take_profit"],
    ]);
  });

  it("rejects bad prices as non-retryable and bad options at creation", async () => {
    const broker = createPaperBroker();
    const error = await broker.openPosition(signal, Number.NaN).catch((caught: unknown) => caught);
    expect(BtError.isInstance(error) && error.code === "BROKER" && !error.retryable).toBe(true);
    expect(() => createPaperBroker({ feePercent: -1 })).toThrow(/feePercent/);
  });
});
