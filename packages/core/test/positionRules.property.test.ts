// Properties of the position model: stepping `transition` minute by minute equals the backtest fast
// path (scanPendingExit, then one tick at the hit) for any rules and price path; the cost-weighted PnL
// agrees with the round-trip formula where it must; validation accepts every valid rule set and names
// the field of every bad one.

import {
  computePnlPercent,
  DEFAULT_CONFIG,
  type IGlobalConfig,
  type ISignalDto,
  type ISignalRow,
  type IStrategyTickResult,
  MINUTE_MS,
  NO_SIGNAL,
  type PositionFill,
  positionPnl,
  type SignalPosition,
  type StrategyState,
  scanPendingExit,
  transition,
  validateSignal,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at, input } from "./fixtures";

const position = fc.constantFrom<SignalPosition>("long", "short");
/** Integers of hundredths, so percentages spread evenly over the range (fc.double crowds near 0). */
const hundredths = (min: number, max: number) => fc.integer({ min, max }).map((value) => value / 100);

const distance = fc.oneof(
  hundredths(10, 400).map((distancePercent) => ({ distancePercent })),
  hundredths(10, 400).map((value) => ({ distance: value })),
);

const trailingStop = fc
  .tuple(distance, fc.option(hundredths(0, 300), { nil: undefined }))
  .map(([rule, activationPercent]) =>
    activationPercent === undefined ? rule : { ...rule, activationPercent },
  );

/** Ascending profit levels whose shares sum to at most 100 (often exactly 100). */
const ladder = fc
  .tuple(
    fc.array(fc.tuple(hundredths(10, 200), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([levels, toHundred]) => {
    let profit = 0;
    let remaining = 100;
    const built = levels.map(([step, share], index) => {
      profit += step;
      const closePercent =
        toHundred && index === levels.length - 1 ? remaining : Math.min(share, Math.max(1, remaining - 1));
      remaining -= closePercent;
      return { profitPercent: Math.round(profit * 100) / 100, closePercent };
    });
    return built.filter((level) => level.closePercent > 0);
  })
  .filter((levels) => levels.length > 0);

const dca = fc
  .record({
    steps: fc.array(
      fc.tuple(hundredths(30, 500), fc.option(fc.integer({ min: 10, max: 200 }), { nil: undefined })),
      { minLength: 1, maxLength: 3 },
    ),
    maxEntries: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  })
  .map(({ steps, maxEntries }) => {
    let loss = 0;
    const levels = steps.map(([step, costPercent]) => {
      loss += step;
      const lossPercent = Math.round(loss * 100) / 100;
      return costPercent === undefined ? { lossPercent } : { lossPercent, costPercent };
    });
    return maxEntries === undefined ? { levels } : { levels, maxEntries };
  });

/** A valid signal (market entry at 100) with any combination of the rules. */
const ruledSignal: fc.Arbitrary<ISignalDto> = fc
  .record({
    position,
    takeProfitPercent: hundredths(60, 800),
    stopLossPercent: hundredths(60, 1900),
    minuteEstimatedTime: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
    cost: fc.option(fc.integer({ min: 10, max: 10_000 }), { nil: undefined }),
    trailingStop: fc.option(trailingStop, { nil: undefined }),
    trailingTake: fc.option(distance, { nil: undefined }),
    breakeven: fc.option(
      hundredths(5, 300).map((triggerPercent) => ({ triggerPercent })),
      { nil: undefined },
    ),
    takeProfitLadder: fc.option(ladder, { nil: undefined }),
    dca: fc.option(dca, { nil: undefined }),
  })
  .map(({ position: side, takeProfitPercent, stopLossPercent, ...rest }) => {
    const direction = side === "long" ? 1 : -1;
    const signal: ISignalDto = {
      position: side,
      priceTakeProfit: 100 * (1 + (direction * takeProfitPercent) / 100),
      priceStopLoss: 100 * (1 - (direction * stopLossPercent) / 100),
    };
    // Levels the take profit or the stop loss always beats never fill: validation rejects them.
    const ladderLevels = rest.takeProfitLadder?.filter((level) => level.profitPercent < takeProfitPercent);
    const dcaLevels = rest.dca?.levels.filter((level) => level.lossPercent < stopLossPercent);
    const reachable = {
      ...rest,
      takeProfitLadder: ladderLevels === undefined || ladderLevels.length === 0 ? undefined : ladderLevels,
      dca:
        rest.dca === undefined || dcaLevels === undefined || dcaLevels.length === 0
          ? undefined
          : { ...rest.dca, levels: dcaLevels },
    };
    for (const [key, value] of Object.entries(reachable)) {
      if (value !== undefined) (signal as unknown as Record<string, unknown>)[key] = value;
    }
    return signal;
  });

/** A random walk from 100, one price a minute: mostly calm (±1.5 %), sometimes a gap (±6 %). */
const pricePath = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: hundredths(-150, 150) },
      { weight: 1, arbitrary: hundredths(-600, 600) },
    ),
    {
      minLength: 1,
      maxLength: 160,
    },
  )
  .map((steps) => {
    const prices: number[] = [];
    let price = 100;
    for (const step of steps) {
      price *= 1 + step / 100;
      prices.push(price);
    }
    return prices;
  });

const costs: fc.Arbitrary<Readonly<IGlobalConfig>> = fc
  .record({ fee: hundredths(0, 30), slippage: hundredths(0, 30) })
  .map(({ fee, slippage }) => ({ ...DEFAULT_CONFIG, CC_PERCENT_FEE: fee, CC_PERCENT_SLIPPAGE: slippage }));

/** The discrete results both runners report (a trailing stop move is stepping's alone). */
function isDiscrete(result: IStrategyTickResult): boolean {
  if (result.action === "closed") return true;
  if (result.action !== "updated") return false;
  return !(result.update.kind === "stop_moved" && result.update.source === "trailing");
}

function openAt100(signal: ISignalDto, config: Readonly<IGlobalConfig>): ISignalRow {
  const opened = transition(NO_SIGNAL, { type: "signal", signal, id: "p" }, input(100, 0, config));
  expect(opened.rejection).toBeNull();
  if (opened.state.status !== "pending") throw new Error("not opened");
  return opened.state.signal;
}

/** Minute i of `prices` is ticked at minute i + 1. Stops at the close. */
function stepAll(row: ISignalRow, prices: ReadonlyArray<number>, config: Readonly<IGlobalConfig>) {
  const discrete: IStrategyTickResult[] = [];
  let state: StrategyState = { status: "pending", signal: row };
  for (let index = 0; index < prices.length; index++) {
    const next = transition(state, { type: "tick" }, input(prices[index] as number, index + 1, config));
    if (isDiscrete(next.result)) discrete.push(next.result);
    if (next.result.action === "closed") return { discrete, final: null };
    state = next.state;
  }
  return { discrete, final: state.status === "pending" ? state.signal : null };
}

/** The fast path: scan to the next change, tick there, repeat. */
function scanAll(row: ISignalRow, prices: ReadonlyArray<number>, config: Readonly<IGlobalConfig>) {
  const discrete: IStrategyTickResult[] = [];
  let signal = row;
  let from = 0;
  for (;;) {
    const scan = scanPendingExit(signal, prices, from, prices.length, at(from + 1), MINUTE_MS, config);
    if (scan.index < 0) return { discrete, final: scan.signal };
    const next = transition(
      { status: "pending", signal: scan.signal },
      { type: "tick" },
      input(prices[scan.index] as number, scan.index + 1, config),
    );
    // The scan stops only where the minute changes something discretely.
    expect(isDiscrete(next.result)).toBe(true);
    discrete.push(next.result);
    if (next.state.status !== "pending") return { discrete, final: null };
    signal = next.state.signal;
    from = scan.index + 1;
  }
}

describe("stepping transition == scanPendingExit + a tick at each hit", () => {
  it("gives the same discrete results and the same final position for any rules and path", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(ruledSignal, pricePath, costs, (signal, prices, config) => {
        // Every generated rule set is valid.
        expect(validateSignal(signal, 100, config)).toEqual([]);
        const row = openAt100(signal, config);
        const stepped = stepAll(row, prices, config);
        const scanned = scanAll(row, prices, config);
        expect(scanned.discrete).toEqual(stepped.discrete);
        expect(scanned.final).toEqual(stepped.final);
        for (const result of stepped.discrete) {
          if (result.action === "updated") seen.add(result.update.kind);
          else if (result.action === "closed") seen.add(`closed:${result.closeReason}`);
        }
      }),
      { numRuns: 600 },
    );
    // Guards against a vacuous property: every kind of change happened.
    expect([...seen].sort()).toEqual([
      "breakeven",
      "closed:stop_loss",
      "closed:take_profit",
      "closed:time_expired",
      "entry",
      "partial",
      "trailing_take",
    ]);
  });
});

describe("positionPnl", () => {
  const price = hundredths(1000, 20_000);
  const pnlCosts = fc.record({ feePercent: hundredths(0, 50), slippagePercent: hundredths(0, 50) });
  const entry = (entryPrice: number, cost: number): PositionFill => ({
    kind: "entry",
    price: entryPrice,
    cost,
    at: 0,
    source: "open",
  });

  it("with one entry is computePnlPercent exactly, and money = percent × cost / 100", () => {
    fc.assert(
      fc.property(
        position,
        price,
        price,
        hundredths(1, 1_000_000),
        pnlCosts,
        (side, open, close, cost, rates) => {
          const result = positionPnl({ position: side, fills: [entry(open, cost)] }, close, rates);
          expect(result.percent).toBe(computePnlPercent(side, open, close, rates));
          expect(result.invested).toBe(cost);
          expect(result.money).toBeCloseTo((result.percent * cost) / 100, 9);
        },
      ),
    );
  });

  it("splitting an entry in two at the same price, or the exit into a partial and the rest, keeps the percent", () => {
    fc.assert(
      fc.property(
        position,
        price,
        price,
        hundredths(1, 100_000),
        fc.integer({ min: 1, max: 99 }),
        pnlCosts,
        (side, open, close, cost, splitPercent, rates) => {
          const whole = positionPnl({ position: side, fills: [entry(open, cost)] }, close, rates);
          const share = splitPercent / 100;
          const twoEntries = positionPnl(
            { position: side, fills: [entry(open, cost * share), entry(open, cost * (1 - share))] },
            close,
            rates,
          );
          expect(Math.abs(twoEntries.percent - whole.percent)).toBeLessThan(1e-9);
          const partial = positionPnl(
            {
              position: side,
              fills: [
                entry(open, cost),
                { kind: "exit", price: close, fraction: share, at: 1, reason: "partial_profit" },
              ],
            },
            close,
            rates,
          );
          expect(Math.abs(partial.percent - whole.percent)).toBeLessThan(1e-9);
          for (const result of [twoEntries, partial]) {
            expect(result.invested).toBeCloseTo(cost, 9);
            expect(Math.abs(result.money - (result.percent * result.invested) / 100)).toBeLessThan(
              1e-9 * cost,
            );
          }
        },
      ),
    );
  });
});

/** A bad value for one rule field, and the field path the rejection must name. */
const corruption = fc.constantFrom<{ field: string; patch: (signal: Record<string, unknown>) => void }>(
  { field: "trailingStop.distancePercent", patch: (s) => (s.trailingStop = { distancePercent: 100 }) },
  { field: "trailingStop.distancePercent", patch: (s) => (s.trailingStop = { distancePercent: -1 }) },
  { field: "trailingStop.distance", patch: (s) => (s.trailingStop = { distance: 0 }) },
  { field: "trailingStop", patch: (s) => (s.trailingStop = { distance: 1, distancePercent: 1 }) },
  { field: "trailingStop", patch: (s) => (s.trailingStop = {}) },
  {
    field: "trailingStop.activationPercent",
    patch: (s) => (s.trailingStop = { distance: 1, activationPercent: -2 }),
  },
  { field: "trailingStop.activation", patch: (s) => (s.trailingStop = { distance: 1, activation: 2 }) },
  { field: "trailingTake.distance", patch: (s) => (s.trailingTake = { distance: Number.NaN }) },
  { field: "trailingTake", patch: (s) => (s.trailingTake = 3) },
  { field: "breakeven.triggerPercent", patch: (s) => (s.breakeven = { triggerPercent: 0 }) },
  { field: "breakeven.trigger", patch: (s) => (s.breakeven = { triggerPercent: 1, trigger: 1 }) },
  { field: "takeProfitLadder", patch: (s) => (s.takeProfitLadder = []) },
  {
    field: "takeProfitLadder[1].profitPercent",
    patch: (s) =>
      (s.takeProfitLadder = [
        { profitPercent: 0.2, closePercent: 10 },
        { profitPercent: 0.1, closePercent: 10 },
      ]),
  },
  {
    field: "takeProfitLadder[0].closePercent",
    patch: (s) => (s.takeProfitLadder = [{ profitPercent: 0.2, closePercent: 120 }]),
  },
  {
    field: "takeProfitLadder",
    patch: (s) =>
      (s.takeProfitLadder = [
        { profitPercent: 0.2, closePercent: 60 },
        { profitPercent: 0.3, closePercent: 60 },
      ]),
  },
  { field: "dca.levels", patch: (s) => (s.dca = { levels: [] }) },
  { field: "dca.levels[0].lossPercent", patch: (s) => (s.dca = { levels: [{ lossPercent: 100 }] }) },
  {
    field: "dca.levels[0].costPercent",
    patch: (s) => (s.dca = { levels: [{ lossPercent: 0.2, costPercent: -5 }] }),
  },
  { field: "dca.maxEntries", patch: (s) => (s.dca = { levels: [{ lossPercent: 0.2 }], maxEntries: 0 }) },
  {
    field: "dca.allowAveragingUp",
    patch: (s) => (s.dca = { levels: [{ lossPercent: 0.2 }], allowAveragingUp: "yes" }),
  },
  { field: "dca.level", patch: (s) => (s.dca = { levels: [{ lossPercent: 0.2 }], level: 1 }) },
  { field: "entry", patch: (s) => (s.entry = "iceberg") },
  { field: "minuteEstimatedTime", patch: (s) => (s.minuteEstimatedTime = 2.5) },
);

describe("validation of the rules", () => {
  it("rejects one corrupted field of an otherwise valid signal, naming exactly that field", () => {
    fc.assert(
      fc.property(ruledSignal, corruption, (signal, { field, patch }) => {
        const corrupted = structuredClone(signal) as unknown as Record<string, unknown>;
        patch(corrupted);
        const problems = validateSignal(corrupted, 100, DEFAULT_CONFIG);
        expect(problems.map((problem) => problem.field)).toEqual([field]);
        const [problem] = problems;
        expect(problem?.message).toContain(field);
        // A primitive bad value is shown in the message too.
        const value = problem?.value;
        if (typeof value !== "object" || value === null) expect(problem?.message).toContain(String(value));
        expect(problem?.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
