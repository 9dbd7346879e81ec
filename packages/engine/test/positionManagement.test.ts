// Position management through the engine: a TP ladder and a DCA entry on hand-made candles with the
// expected fills and PnL written out; the fast path equal to minute-by-minute stepping for every rule;
// commands from onActive (applied, refused and counted, bad arguments named); live equal to backtest with
// rules; and a kill at every record operation of a managed live run restarting into the uninterrupted outcome.

import {
  BtError,
  type IBroker,
  type ISignalDto,
  type IStrategySchema,
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import {
  commitAverageBuy,
  commitPartialProfit,
  commitTrailingStopCost,
  createPaperBroker,
  createSimulatedClock,
  type IEngine,
  liveEventId,
  readLiveState,
} from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";
import { CANDLES, closedBrief, memoryStore, SYMBOL, wiggleSignal } from "./liveHelpers";

/** Runs `strategy` over `candles`, frame [T0, T0 + minutes). */
async function backtest(engine: IEngine, strategy: IStrategySchema, candles = CANDLES, minutes = 1440) {
  engine.addExchange(memoryExchange("mem", { [SYMBOL]: candles }));
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + minutes * MINUTE),
  });
  engine.addStrategy(strategy);
  return collect(
    engine.Backtest.run(
      SYMBOL,
      { strategyName: strategy.strategyName, exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 60 },
    ),
  );
}

/** One signal at the first getSignal call only. */
function once(
  strategyName: string,
  signal: ISignalDto,
  callbacks?: IStrategySchema["callbacks"],
): IStrategySchema {
  let calls = 0;
  return { strategyName, interval: "1m", getSignal: async () => (calls++ === 0 ? signal : null), callbacks };
}

/** The wiggle strategy's signals with every rule, sized (DCA and money PnL need a cost). */
const managed = async (symbol: string, when: Date): Promise<ISignalDto | null> => {
  const signal = await wiggleSignal(symbol, when);
  if (signal === null) return null;
  return {
    ...signal,
    cost: 1_000,
    trailingStop: { distancePercent: 0.3, activationPercent: 0.3 },
    breakeven: { triggerPercent: 0.5 },
    takeProfitLadder: [{ profitPercent: 0.4, closePercent: 40 }],
    dca: { levels: [{ lossPercent: 0.5, costPercent: 50 }] },
  };
};

const closedWithFills = (results: IStrategyTickResult[]) =>
  results
    .filter((result): result is IStrategyTickResultClosed => result.action === "closed")
    .map((result) => ({
      ...closedBrief(result),
      fills: result.signal.fills,
      stopLoss: result.signal.priceStopLoss,
    }));

describe("position management in a backtest", () => {
  it("a TP ladder level then the take profit: the fills and the cost-weighted PnL", async () => {
    // Flat candles: 100 until minute 10, 101 until 20, then 102.5. VWAP(t) = mean of minutes t−5 … t−1:
    // t = 13 → (100·2 + 101·3)/5 = 100.6 < 100.7; t = 14 → (100 + 101·4)/5 = 100.8 ≥ 100.7 (the ladder
    // level: 100 · 1.007), so 50 % closes at 100.7 at minute 14; t = 23 → 101.9 < 102; t = 24 → 102.2 ≥ 102,
    // the take profit: the rest closes at 102 at minute 24.
    const candles = series(-60, 120, (m) => (m < 10 ? 100 : m < 20 ? 101 : 102.5));
    const engine = createTestEngine();
    const results = await backtest(
      engine,
      once("ladder", {
        position: "long",
        priceTakeProfit: 102,
        priceStopLoss: 98,
        cost: 1_000,
        takeProfitLadder: [{ profitPercent: 0.7, closePercent: 50 }],
      }),
      candles,
      100,
    );
    expect(results.map((result) => [result.action, (result.timestamp - T0) / MINUTE])).toEqual([
      ["opened", 0],
      ["updated", 14],
      ["closed", 24],
    ]);
    const closed = results[2] as IStrategyTickResultClosed;
    expect(closed.signal.fills).toEqual([
      { kind: "entry", price: 100, cost: 1_000, at: T0, source: "open" },
      {
        kind: "exit",
        price: 100 * (1 + 0.7 / 100),
        fraction: 0.5,
        at: T0 + 14 * MINUTE,
        reason: "take_profit_ladder",
      },
    ]);
    // Fee 0.1 % and slippage 0.1 % per fill. Entry: 1,000 at 100 · 1.001 = 100.1 → 9.99000999 units, fee 1.
    // Exit 1: half (4.995005 units) at 100.7 · 0.999 = 100.5993 → 502.4940…, fee 0.5024940….
    // Exit 2: the rest at 102 · 0.999 = 101.898 → 508.9810…, fee 0.5089810….
    // Net = 502.4940 + 508.9810 − 1,000 − (1 + 0.5024940 + 0.5089810) = 9.4636…; 0.94636… % of 1,000.
    const units = 1_000 / 100.1;
    const exit1 = (units / 2) * 100 * (1 + 0.7 / 100) * 0.999;
    const exit2 = (units / 2) * 102 * 0.999;
    const net = exit1 + exit2 - 1_000 - (1 + exit1 * 0.001 + exit2 * 0.001);
    expect(closed.pnl.pnlCost).toBeCloseTo(net, 9);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(net / 10, 9);
    expect(closed.pnl.costTotal).toBe(1_000);
    expect(closed.closeReason).toBe("take_profit");
    // MFE: the best of the minutes held (101.9 at minute 23) and the exit at 102: 2 % from the entry 100.
    expect(closed.pnl.mfePercent).toBeCloseTo(2, 9);
    expect(closed.pnl.maePercent).toBe(0);
    expect(closed.pnl.minutesInPosition).toBe(24);
  });

  it("a DCA level fills at its price and moves the average entry", async () => {
    // 100 until minute 10, then 98.5: VWAP(12) = (100·3 + 98.5·2)/5 = 99.4 ≤ 99.5 (100 · (1 − 0.5 %)),
    // so the add of 500 (50 % of 1,000) fills at 99.5 at minute 12. Average entry: 1,500 / (10 + 5.0251…)
    // = 99.8327… The stop loss 97 is reached once VWAP = 97 (prices 97 from minute 30): minute 35.
    const candles = series(-60, 120, (m) => (m < 10 ? 100 : m < 30 ? 98.5 : 97));
    const engine = createTestEngine();
    const results = await backtest(
      engine,
      once("dca", {
        position: "long",
        priceTakeProfit: 103,
        priceStopLoss: 97,
        cost: 1_000,
        dca: { levels: [{ lossPercent: 0.5, costPercent: 50 }] },
      }),
      candles,
      100,
    );
    expect(results.map((result) => [result.action, (result.timestamp - T0) / MINUTE])).toEqual([
      ["opened", 0],
      ["updated", 12],
      ["closed", 35],
    ]);
    const updated = results[1] as Extract<IStrategyTickResult, { action: "updated" }>;
    expect(updated.update).toEqual({ kind: "entry", source: "dca_ladder", price: 99.5, cost: 500 });
    const closed = results[2] as IStrategyTickResultClosed;
    expect(closed.pnl.priceOpen).toBeCloseTo(1_500 / (1_000 / 100 + 500 / 99.5), 9);
    expect(closed.pnl.costTotal).toBe(1_500);
    // Entries: 1,000 / 100.1 + 500 / (99.5 · 1.001) units; all closed at 97 · 0.999; fee 0.1 % on each fill.
    const units = 1_000 / 100.1 + 500 / (99.5 * 1.001);
    const proceeds = units * 97 * 0.999;
    const net = proceeds - 1_500 - (1_500 + proceeds) * 0.001;
    expect(closed.pnl.pnlCost).toBeCloseTo(net, 9);
    expect(closed.pnl.pnlPercentage).toBeCloseTo((net / 1_500) * 100, 9);
  });

  it("the fast path equals minute-by-minute stepping with every rule (a no-op onActive forces stepping)", async () => {
    const fast = await backtest(createTestEngine(), {
      strategyName: "wiggle",
      interval: "1m",
      getSignal: managed,
    });
    const stepped = await backtest(createTestEngine(), {
      strategyName: "wiggle",
      interval: "1m",
      getSignal: managed,
      callbacks: { onActive: () => undefined },
    });
    const fastClosed = closedWithFills(fast);
    expect(fastClosed.length).toBeGreaterThan(10);
    // Not vacuous: the day has ladder exits, DCA entries and trailed stops.
    const fills = fastClosed.flatMap((trade) => trade.fills);
    expect(fills.some((fill) => fill.kind === "exit")).toBe(true);
    expect(fills.some((fill) => fill.kind === "entry" && fill.source === "dca_ladder")).toBe(true);
    expect(fast.some((result) => result.action === "updated" && result.update.kind === "breakeven")).toBe(
      true,
    );
    expect(closedWithFills(stepped)).toEqual(fastClosed);
    expect(stepped.map((result) => [result.action, result.timestamp])).toEqual(
      fast.map((result) => [result.action, result.timestamp]),
    );
  });
});

describe("position commands from onActive", () => {
  it("applies a partial profit and a tighter stop, refuses an averaging-up entry (counted), names a bad argument", async () => {
    const engine = createTestEngine({ expectErrors: true });
    const errors: string[] = [];
    engine.listenError((error) => {
      errors.push(error.message);
    });
    // 100 until minute 5, then 101: VWAP(6) = 100.2 (in profit), VWAP(10) = 101.
    const candles = series(-60, 120, (m) => (m < 5 ? 100 : 101));
    let step = 0;
    const results = await backtest(
      engine,
      once(
        "commands",
        { position: "long", priceTakeProfit: 103, priceStopLoss: 98, cost: 1_000, minuteEstimatedTime: 30 },
        {
          async onActive(symbol, _signal, price) {
            if (price <= 100) return;
            step++;
            if (step === 1) {
              expect(await commitPartialProfit(symbol, 25)).toBe(true);
              expect(await commitTrailingStopCost(symbol, 99.5)).toBe(true);
              // Above the average entry 100: averaging up, refused.
              expect(await commitAverageBuy(symbol)).toBe(false);
            }
            if (step === 2) await commitPartialProfit(symbol, 150);
          },
        },
      ),
      candles,
      60,
    );
    await engine.waitForListeners();
    const updates = results.flatMap((result) => (result.action === "updated" ? [result.update] : []));
    expect(updates).toEqual([
      { kind: "partial", reason: "partial_profit", price: 100.2, fraction: 0.25 },
      { kind: "stop_moved", source: "command", from: 98, to: 99.5 },
    ]);
    const data = engine.Backtest.getData(SYMBOL, "commands");
    expect(data.problems.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "command",
          source: "commitAverageBuy",
          message: expect.stringContaining("averages up"),
        }),
        expect.objectContaining({
          kind: "error",
          source: "onActive",
          message: expect.stringContaining("percentToClose must be a percent in (0, 100]"),
        }),
      ]),
    );
    expect(errors.some((message) => message.includes("got 150"))).toBe(true);
    const closed = results.at(-1) as IStrategyTickResultClosed;
    expect(closed.closeReason).toBe("time_expired");
    expect(closed.signal.fills).toHaveLength(2);
  });
});

/** A live run of the managed wiggle strategy on a simulated clock until `end`. */
async function liveManaged(
  records: Map<string, string>,
  startMs: number,
  end: number,
  dieAfterOperations?: number,
  afterDeath = false,
  wrapBroker: (broker: IBroker) => IBroker = (broker) => broker,
) {
  const engine = createTestEngine({ expectErrors: true });
  engine.addExchange(memoryExchange("mem", { [SYMBOL]: CANDLES }));
  engine.addStrategy({ strategyName: "wiggle", interval: "1m", getSignal: managed });
  const clock = createSimulatedClock(startMs);
  let diedAt: number | undefined;
  const persist = memoryStore({
    records,
    now: afterDeath ? () => Date.now() + 10 * 60_000 : undefined,
    dieAfterOperations,
    onDeath: () => {
      diedAt = clock.now();
      void engine.Live.stop(SYMBOL, "wiggle");
    },
  });
  const broker = wrapBroker(createPaperBroker({ persist, now: () => clock.now() }));
  const results: IStrategyTickResult[] = [];
  const errors: string[] = [];
  engine.listenError((error) => {
    errors.push(error.message);
  });
  try {
    for await (const result of engine.Live.run(
      SYMBOL,
      { strategyName: "wiggle", exchangeName: "mem" },
      { persist, broker, clock, stopAt: end },
    )) {
      results.push(result);
    }
  } catch (error) {
    if (diedAt === undefined) throw error;
  }
  await engine.waitForListeners();
  return { diedAt, operations: persist.operations, results, errors };
}

async function storedOutcome(records: Map<string, string>) {
  const persist = memoryStore({ records });
  const state = await readLiveState(persist, SYMBOL, "wiggle", "mem");
  const orders = await createPaperBroker({ persist }).orders();
  return {
    closed: state.closed.map((result) => ({ ...closedBrief(result), fills: result.signal.fills })),
    position: state.position === null ? null : { id: state.position.signal.id, phase: state.position.phase },
    orders: orders.map((order) => ({
      id: order.clientOrderId,
      leg: order.leg,
      price: order.price,
      quantity: order.quantity,
    })),
  };
}

describe("position management live", () => {
  it("live equals backtest with every rule: the same closed trades, fills and levels", async () => {
    const minutes = 720;
    const bt = closedWithFills(
      await backtest(
        createTestEngine(),
        { strategyName: "wiggle", interval: "1m", getSignal: managed },
        CANDLES,
        minutes,
      ),
    );
    const live = await liveManaged(new Map(), T0, T0 + minutes * MINUTE);
    expect(live.errors).toEqual([]);
    // Live records the broker's prices (the paper broker's are the model's ± slippage) besides the
    // model's: the open and close prices and the fills' executedPrice. The decisions are the model's.
    const model = (trade: ReturnType<typeof closedWithFills>[number]) => ({
      ...trade,
      priceOpen: 0,
      priceClose: 0,
      fills: trade.fills.map(({ executedPrice: _executed, ...fill }) => fill),
    });
    const liveClosed = closedWithFills(live.results);
    expect(bt.length).toBeGreaterThan(5);
    // The last backtest trade may be the frame-end close that live leaves open.
    const compared = bt.filter((trade) => liveClosed.some((other) => other.id === trade.id));
    expect(compared.length).toBeGreaterThanOrEqual(bt.length - 1);
    for (const trade of compared) {
      const other = liveClosed.find((candidate) => candidate.id === trade.id);
      expect(other && { ...model(other), pnl: 0 }).toEqual({ ...model(trade), pnl: 0 });
      // The paper broker fills at the price ± slippage with the fee: the same arithmetic as the model.
      expect(other?.pnl).toBeCloseTo(trade.pnl, 9);
    }
    expect(
      live.results.some((result) => result.action === "updated" && result.update.kind === "partial"),
    ).toBe(true);
  });

  it("a size change the broker refuses for good: reported once, the position keeps its fills, the level is used up, exits still run", async () => {
    const refusing = (broker: IBroker): IBroker => ({
      ...broker,
      name: broker.name,
      specVersion: 1,
      openPosition: broker.openPosition.bind(broker),
      closePosition: broker.closePosition.bind(broker),
      changePosition: async (signal, change) => {
        throw new BtError("BROKER", `refusing ${change.kind} ${change.index} of ${signal.id}`, {
          retryable: false,
        });
      },
    });
    const live = await liveManaged(new Map(), T0, T0 + 720 * MINUTE, undefined, false, refusing);
    const closed = closedWithFills(live.results);
    expect(closed.length).toBeGreaterThan(5);
    // No partial or added entry ever reached the position; each refusal was reported once.
    expect(closed.every((trade) => trade.fills.length === 1)).toBe(true);
    const refusals = live.errors.filter((message) => message.includes("was refused"));
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals).size).toBe(refusals.length);
    expect(
      live.results.some(
        (result) =>
          result.action === "updated" && (result.update.kind === "partial" || result.update.kind === "entry"),
      ),
    ).toBe(false);
  });

  it("a kill at every record operation of a managed run restarts into the uninterrupted outcome, one order per id", async () => {
    const end = T0 + 150 * MINUTE;
    const referenceRecords = new Map<string, string>();
    const reference = await liveManaged(referenceRecords, T0, end);
    const expected = await storedOutcome(referenceRecords);
    expect(expected.closed.some((trade) => trade.fills.length > 1)).toBe(true);
    expect(new Set(expected.orders.map((order) => order.id)).size).toBe(expected.orders.length);
    const phases = new Map<string, number>();
    for (let budget = 0; budget < reference.operations; budget++) {
      const records = new Map<string, string>();
      const first = await liveManaged(records, T0, end, budget);
      expect(first.diedAt).toBeDefined();
      const atDeath = await readLiveState(memoryStore({ records }), SYMBOL, "wiggle", "mem");
      const phase = atDeath.position?.phase ?? "other";
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
      const restarted = await liveManaged(records, first.diedAt as number, end, undefined, true);
      const delivered = new Set([...first.results, ...restarted.results].map(liveEventId));
      const lost = reference.results.map(liveEventId).filter((id) => !delivered.has(id));
      expect({ budget, lost }).toEqual({ budget, lost: [] });
      expect({ budget, ...(await storedOutcome(records)) }).toEqual({ budget, ...expected });
    }
    expect(phases.get("changing") ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
