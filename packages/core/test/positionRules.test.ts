// Golden cases of the position model (issue 17): every declarative rule, entry type and position command
// on a hand-made price path, each expectation computed by hand in the comment next to it. Unless said
// otherwise the position opens at minute 0 at price 100 and minute k of the path is ticked at minute k.

import {
  breakevenPrice,
  computePnlPercent,
  DEFAULT_CONFIG,
  type IGlobalConfig,
  type ISignalDto,
  type IStrategyTickResult,
  MINUTE_MS,
  NO_SIGNAL,
  type PositionCommand,
  positionFigures,
  type StrategyAction,
  type StrategyState,
  scanPendingExit,
  transition,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { at, input, pendingRow, ZERO_COSTS } from "./fixtures";

/** Narrows a result to one union member, failing the test when the action differs. */
function expectAction<A extends StrategyAction>(
  result: IStrategyTickResult,
  action: A,
): Extract<IStrategyTickResult, { action: A }> {
  expect(result.action).toBe(action);
  if (result.action !== action) throw new Error(`expected ${action}, got ${result.action}`);
  return result as Extract<IStrategyTickResult, { action: A }>;
}

/** "active", "updated:<kind>", "closed:<reason>", … of a result. */
function label(result: IStrategyTickResult): string {
  switch (result.action) {
    case "updated":
      return `updated:${result.update.kind}`;
    case "closed":
      return `closed:${result.closeReason}`;
    case "cancelled":
      return `cancelled:${result.cancelReason}`;
    default:
      return result.action;
  }
}

/** Proposes `signal` at `openPrice` (minute 0), then ticks `prices` at minutes 1, 2, … */
function run(
  signal: ISignalDto,
  prices: ReadonlyArray<number>,
  config: Readonly<IGlobalConfig> = ZERO_COSTS,
  openPrice = 100,
): { results: IStrategyTickResult[]; state: StrategyState } {
  const proposed = transition(
    NO_SIGNAL,
    { type: "signal", signal, id: "golden" },
    input(openPrice, 0, config),
  );
  expect(proposed.rejection).toBeNull();
  const results = [proposed.result];
  let state = proposed.state;
  prices.forEach((price, index) => {
    const next = transition(state, { type: "tick" }, input(price, index + 1, config));
    results.push(next.result);
    state = next.state;
  });
  return { results, state };
}

function last(results: ReadonlyArray<IStrategyTickResult>): IStrategyTickResult {
  return results[results.length - 1] as IStrategyTickResult;
}

/** A command on `state` at (`price`, `minutes`). */
function command(
  state: StrategyState,
  positionCommand: PositionCommand,
  price: number,
  minutes: number,
  config: Readonly<IGlobalConfig> = ZERO_COSTS,
) {
  return transition(state, { type: "command", command: positionCommand }, input(price, minutes, config));
}

/** The open position of a state (fails the test otherwise). */
function pendingOf(state: StrategyState) {
  if (state.status !== "pending") throw new Error(`expected an open position, got ${state.status}`);
  return state.signal;
}

const COSTS = { feePercent: 0.1, slippagePercent: 0.1 };

describe("trailing stop", () => {
  it("percent distance with activation: follows the best price once 1 % in profit, only tightens", () => {
    // Long 100, SL 95, trail 2 % behind the best price once the best is ≥ 100·1.01 = 101.
    // m1 100.5: best 100.5 < 101 → not active yet. m2 102: 102 − 2 %·102 = 102 − 2.04 = 99.96 → stop 99.96.
    // m3 104: 104 − 2.08 = 101.92 → stop 101.92. m4 103: best stays 104, 101.92 is not tighter → active.
    // m5 101.5 ≤ 101.92 → stop_loss at 101.92: pnl (zero costs) = (101.92 − 100)/100·100 = 1.92 %.
    const { results } = run(
      {
        position: "long",
        priceTakeProfit: 110,
        priceStopLoss: 95,
        trailingStop: { distancePercent: 2, activationPercent: 1 },
      },
      [100.5, 102, 104, 103, 101.5],
    );
    expect(results.map(label)).toEqual([
      "opened",
      "active",
      "updated:stop_moved",
      "updated:stop_moved",
      "active",
      "closed:stop_loss",
    ]);
    const moved = expectAction(results[2] as IStrategyTickResult, "updated");
    expect(moved.update).toEqual({ kind: "stop_moved", source: "trailing", from: 95, to: 99.96 });
    expect(moved.signal.priceStopLoss).toBeCloseTo(99.96, 12);
    expect(moved.signal.originalStopLoss).toBe(95);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceClose).toBeCloseTo(101.92, 12);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(1.92, 10);
    // MFE (104 − 100)/100 = 4 %; MAE 0 (never below the entry); 5 minutes.
    expect(closed.pnl.mfePercent).toBeCloseTo(4, 10);
    expect(closed.pnl.maePercent).toBe(0);
    expect(closed.pnl.minutesInPosition).toBe(5);
  });

  it("scanPendingExit folds the same moves and stops at the hit; a tick there closes as stepping does", () => {
    // The path of the case above: the stop moves at m2 and m3 without stopping the scan; m5 (index 4) hits it.
    const signal: ISignalDto = {
      position: "long",
      priceTakeProfit: 110,
      priceStopLoss: 95,
      trailingStop: { distancePercent: 2, activationPercent: 1 },
    };
    const row = pendingOf(run(signal, []).state);
    const prices = [100.5, 102, 104, 103, 101.5];
    const scan = scanPendingExit(row, prices, 0, prices.length, at(1), MINUTE_MS, ZERO_COSTS);
    expect(scan.index).toBe(4);
    expect(scan.signal.priceStopLoss).toBeCloseTo(101.92, 12);
    expect(scan.signal.bestPrice).toBe(104);
    expect(scan.signal.worstPrice).toBe(100);
    const hit = transition(
      { status: "pending", signal: scan.signal },
      { type: "tick" },
      input(101.5, 5, ZERO_COSTS),
    );
    expect(hit.result).toEqual(last(run(signal, prices).results));
  });

  it("price distance, short, active at once: trails 1.5 behind the lowest price", () => {
    // Short 100, SL 105, trail 1.5 above the best (lowest) price.
    // m1 99 → stop 99 + 1.5 = 100.5. m2 97 → 98.5. m3 98: best stays 97 (98.5 not tighter) → active.
    // m4 98.6 ≥ 98.5 → stop_loss at 98.5: pnl = (100 − 98.5)/100·100 = 1.5 %.
    const { results } = run(
      { position: "short", priceTakeProfit: 90, priceStopLoss: 105, trailingStop: { distance: 1.5 } },
      [99, 97, 98, 98.6],
    );
    expect(results.map(label)).toEqual([
      "opened",
      "updated:stop_moved",
      "updated:stop_moved",
      "active",
      "closed:stop_loss",
    ]);
    expect(expectAction(results[1] as IStrategyTickResult, "updated").update).toEqual({
      kind: "stop_moved",
      source: "trailing",
      from: 105,
      to: 100.5,
    });
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceClose).toBe(98.5);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(1.5, 12);
    // MFE (100 − 97)/100 = 3 %; MAE: the worst price is 100 → 0.
    expect(closed.pnl.mfePercent).toBeCloseTo(3, 12);
    expect(closed.pnl.maePercent).toBe(0);
  });
});

describe("trailing take", () => {
  it("percent: reaching the TP starts the trail, the exit is 1 % back from the peak", () => {
    // Long 100, TP 103, trail 1 %. m1 103.5 ≥ 103 → trailing take from 103.5 (no close).
    // m2 105: level 103.5 − 1.035 = 102.465 < 105 → holds, peak 105. m3 104.2: level 105 − 1.05 = 103.95 → holds.
    // m4 103.9 ≤ 103.95 → take_profit at 103.95: pnl (zero costs) = 3.95 %; MFE (105 − 100) = 5 %.
    const { results } = run(
      { position: "long", priceTakeProfit: 103, priceStopLoss: 95, trailingTake: { distancePercent: 1 } },
      [103.5, 105, 104.2, 103.9],
    );
    expect(results.map(label)).toEqual([
      "opened",
      "updated:trailing_take",
      "active",
      "active",
      "closed:take_profit",
    ]);
    const started = expectAction(results[1] as IStrategyTickResult, "updated");
    expect(started.update).toEqual({ kind: "trailing_take", price: 103.5 });
    expect(started.signal.trailingTakePeak).toBe(103.5);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceClose).toBeCloseTo(103.95, 12);
    expect(closed.currentPrice).toBe(closed.pnl.priceClose);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(3.95, 10);
    expect(closed.pnl.mfePercent).toBeCloseTo(5, 12);
  });

  it("price distance, short: closes 0.5 above the lowest price after the TP", () => {
    // Short 100, TP 97, trail 0.5. m1 96.8 ≤ 97 → trail from 96.8. m2 96: level 97.3 → holds, peak 96.
    // m3 96.5 ≥ 96 + 0.5 = 96.5 → take_profit at 96.5: pnl = (100 − 96.5)/100·100 = 3.5 %.
    const { results } = run(
      { position: "short", priceTakeProfit: 97, priceStopLoss: 104, trailingTake: { distance: 0.5 } },
      [96.8, 96, 96.5],
    );
    expect(results.map(label)).toEqual(["opened", "updated:trailing_take", "active", "closed:take_profit"]);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceClose).toBe(96.5);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(3.5, 12);
  });
});

describe("breakeven", () => {
  it("the zero-PnL price at fee 0.1 % and slippage 0.1 % per side, long and short", () => {
    // Long: in 100·1.001 = 100.1 per unit, plus fee 0.1 %; out X·0.999 per unit, less fee 0.1 %:
    //   X·0.999·0.999 = 100.1·1.001 → X = 100.2001 / 0.998001 = 100.400801201602.
    // Short: in 100·0.999 = 99.9, out X·1.001: X·1.001·1.001 = 99.9·0.999 → X = 99.8001 / 1.002001 = 99.600798801598.
    const long = pendingRow({
      position: "long",
      priceOpen: 100,
      priceTakeProfit: 105,
      priceStopLoss: 97,
      minuteEstimatedTime: 60,
    });
    const short = pendingRow({
      position: "short",
      priceOpen: 100,
      priceTakeProfit: 95,
      priceStopLoss: 103,
      minuteEstimatedTime: 60,
    });
    expect(breakevenPrice(long, COSTS)).toBeCloseTo(100.400801201602, 10);
    expect(breakevenPrice(short, COSTS)).toBeCloseTo(99.600798801598, 10);
  });

  it.each([
    // Long: trigger 100·1.01 = 101; m2 101.2 moves the SL 97 → 100.4008…; m3 100.35 hits it.
    { position: "long" as const, tp: 105, sl: 97, path: [100.9, 101.2, 100.35], level: 100.400801201602 },
    // Short: trigger 99; m2 98.8 moves the SL 103 → 99.6008…; m3 99.7 hits it.
    { position: "short" as const, tp: 95, sl: 103, path: [99.1, 98.8, 99.7], level: 99.600798801598 },
  ])(
    "$position: at 1 % profit the stop moves to the zero-PnL price, the exit there nets 0",
    ({ position, tp, sl, path, level }) => {
      const { results } = run(
        { position, priceTakeProfit: tp, priceStopLoss: sl, breakeven: { triggerPercent: 1 } },
        path,
        DEFAULT_CONFIG,
      );
      expect(results.map(label)).toEqual(["opened", "active", "updated:breakeven", "closed:stop_loss"]);
      const moved = expectAction(results[2] as IStrategyTickResult, "updated");
      expect(moved.update.kind).toBe("breakeven");
      if (moved.update.kind !== "breakeven") return;
      expect(moved.update.from).toBe(sl);
      expect(moved.update.to).toBeCloseTo(level, 10);
      expect(moved.signal.breakevenDone).toBe(true);
      const closed = expectAction(last(results), "closed");
      expect(closed.pnl.priceClose).toBeCloseTo(level, 10);
      expect(closed.pnl.pnlPercentage).toBeCloseTo(0, 12);
    },
  );

  it("a trigger below the zero-PnL price waits until the price is past it", () => {
    // Trigger 0.2 % → 100.2, but the zero-PnL price is 100.4008: at 100.3 the stop cannot go there (it would
    // be above the price) → nothing; at 100.45 it moves.
    const { results } = run(
      { position: "long", priceTakeProfit: 105, priceStopLoss: 97, breakeven: { triggerPercent: 0.2 } },
      [100.3, 100.45],
      DEFAULT_CONFIG,
    );
    expect(results.map(label)).toEqual(["opened", "active", "updated:breakeven"]);
  });
});

describe("take-profit ladder", () => {
  it("two partials, then the rest at the TP: cost-weighted pnl in percent and money", () => {
    // Long 100, cost 1000, fee and slippage 0.1 %. Ladder: 30 % at +2 % (102), 30 % at +4 % (104); TP 110.
    // m1 102.5: close 0.3 of the open size at 102. m2 104.1: 30 % of the entered size is 0.3/0.7 = 3/7 of the
    //   open 70 % → fraction 0.428571…, at 104. m3 111: the rest (40 %) at the TP 110.
    // quantity = 1000 / (100·1.001) = 9.99000999…; exits at price·0.999:
    //   0.3·q·101.898 = 305.388611…, 0.3·q·103.896 = 311.376623…, 0.4·q·109.89 = 439.120879…
    //   fees = 1000·0.001 + (305.3886 + 311.3766 + 439.1209)·0.001 = 2.055886…
    //   money = 1055.886114 − 1000 − 2.055886 = 53.830227772…; percent = 53.830… / 1000 · 100 = 5.3830227772.
    // (= 0.3·pnl(100→102) + 0.3·pnl(100→104) + 0.4·pnl(100→110) of the round-trip formula.)
    const { results } = run(
      {
        position: "long",
        priceTakeProfit: 110,
        priceStopLoss: 95,
        cost: 1000,
        takeProfitLadder: [
          { profitPercent: 2, closePercent: 30 },
          { profitPercent: 4, closePercent: 30 },
        ],
      },
      [102.5, 104.1, 111],
      DEFAULT_CONFIG,
    );
    expect(results.map(label)).toEqual([
      "opened",
      "updated:partial",
      "updated:partial",
      "closed:take_profit",
    ]);
    const first = expectAction(results[1] as IStrategyTickResult, "updated");
    expect(first.update).toMatchObject({ kind: "partial", reason: "take_profit_ladder", fraction: 0.3 });
    expect(first.signal.ladderNext).toBe(1);
    const second = expectAction(results[2] as IStrategyTickResult, "updated");
    if (second.update.kind !== "partial") throw new Error("not a partial");
    expect(second.update.price).toBeCloseTo(104, 12);
    expect(second.update.fraction).toBeCloseTo(3 / 7, 15);
    const closed = expectAction(last(results), "closed");
    expect(closed.signal.fills.map((fill) => fill.kind)).toEqual(["entry", "exit", "exit"]);
    expect(closed.pnl.priceClose).toBe(110);
    expect(closed.pnl.priceOpen).toBe(100);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(5.383022777222777, 10);
    expect(closed.pnl.pnlCost).toBeCloseTo(53.83022777222777, 9);
    expect(closed.pnl.costTotal).toBe(1000);
    // MFE: the exit 110 is the best price → (110 − 100)/100 = 10 %; MAE 0; 3 minutes.
    expect(closed.pnl.mfePercent).toBeCloseTo(10, 12);
    expect(closed.pnl.maePercent).toBe(0);
    expect(closed.pnl.minutesInPosition).toBe(3);
  });

  it("a ladder whose shares sum to 100 ends in a take_profit close at its last level", () => {
    // 50 % at 102, 50 % at 104 (the rest): closed take_profit at 104, before the TP 110.
    // pnl (zero costs) = 0.5·2 + 0.5·4 = 3 %.
    const { results } = run(
      {
        position: "short",
        priceTakeProfit: 90,
        priceStopLoss: 105,
        takeProfitLadder: [
          { profitPercent: 2, closePercent: 50 },
          { profitPercent: 4, closePercent: 50 },
        ],
      },
      [97.9, 95.9],
    );
    // Short: the levels are 100·0.98 = 98 and 100·0.96 = 96.
    expect(results.map(label)).toEqual(["opened", "updated:partial", "closed:take_profit"]);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceClose).toBeCloseTo(96, 12);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(3, 10);
    // Unsized: no money figures.
    expect(closed.pnl.pnlCost).toBeNull();
    expect(closed.pnl.costTotal).toBeNull();
  });
});

describe("DCA ladder", () => {
  const dcaSignal: ISignalDto = {
    position: "long",
    priceTakeProfit: 105,
    priceStopLoss: 85,
    cost: 1000,
    dca: { levels: [{ lossPercent: 2 }, { lossPercent: 4, costPercent: 50 }], maxEntries: 3 },
  };

  it("adds entries at the levels, averages the entry, then takes the TP", () => {
    // Levels from the first entry 100: −2 % = 98 (cost 1000), −4 % = 96 (cost 50 % = 500). Zero costs.
    // m1 97.5 → entry at 98; average = 2000 / (10 + 1000/98) = 2000 / 20.2040816 = 98.98989899.
    // m2 95.5 → entry at 96; quantity 10 + 10.2040816 + 5.2083333 = 25.4124150, average 2500 / 25.41 = 98.37711226.
    // m3 94: no level left → active. m4 105.2 → TP 105: money = 25.4124150·105 − 2500 = 168.30357143,
    // percent = 168.30357 / 2500 · 100 = 6.73214286.
    const { results } = run(dcaSignal, [97.5, 95.5, 94, 105.2]);
    expect(results.map(label)).toEqual([
      "opened",
      "updated:entry",
      "updated:entry",
      "active",
      "closed:take_profit",
    ]);
    const added = expectAction(results[1] as IStrategyTickResult, "updated");
    if (added.update.kind !== "entry") throw new Error("not an entry");
    expect(added.update.source).toBe("dca_ladder");
    expect(added.update.price).toBeCloseTo(98, 12);
    expect(added.update.cost).toBe(1000);
    const half = expectAction(results[2] as IStrategyTickResult, "updated");
    expect(half.update).toMatchObject({ kind: "entry", cost: 500 });
    expect(half.signal.dcaNext).toBe(2);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceOpen).toBeCloseTo(98.37711226367743, 10);
    expect(closed.pnl.priceClose).toBe(105);
    expect(closed.pnl.costTotal).toBeCloseTo(2500, 9);
    expect(closed.pnl.pnlCost).toBeCloseTo(168.3035714285711, 8);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(6.732142857142843, 10);
    // MFE from the average entry: (105 − 98.377112)/98.377112 = 6.7321 %; MAE (94 − 98.377112)/98.377112 = −4.4493 %.
    expect(closed.pnl.mfePercent).toBeCloseTo(6.732142857142855, 9);
    expect(closed.pnl.maePercent).toBeCloseTo(-4.449319727891159, 9);
    expect(closed.pnl.minutesInPosition).toBe(4);
  });

  it("maxEntries 2 stops after one added entry; the stop loss then closes both", () => {
    // m1 97.5 → entry at 98 (2 entries: the most). m2 95.5: the −4 % level is not taken → active.
    // m3 84 → SL 85: quantity 10 + 1000/98 = 20.2040816; money = 20.2040816·85 − 2000 = −282.65306;
    // percent = −282.65306 / 2000 · 100 = −14.13265306.
    const { results } = run(
      { ...dcaSignal, dca: { ...dcaSignal.dca, levels: dcaSignal.dca?.levels ?? [], maxEntries: 2 } },
      [97.5, 95.5, 84],
    );
    expect(results.map(label)).toEqual(["opened", "updated:entry", "active", "closed:stop_loss"]);
    const closed = expectAction(last(results), "closed");
    expect(closed.pnl.priceOpen).toBeCloseTo(98.98989898989899, 10);
    expect(closed.pnl.pnlCost).toBeCloseTo(-282.6530612244899, 8);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(-14.132653061224493, 10);
    // The exit 85 is the worst price: MAE (85 − 98.989899)/98.989899 = −14.1327 %.
    expect(closed.pnl.maePercent).toBeCloseTo(((85 - 98.98989898989899) / 98.98989898989899) * 100, 9);
  });
});

describe("minuteEstimatedTime", () => {
  it("defaults to CC_MAX_SIGNAL_LIFETIME_MINUTES when the signal sets none", () => {
    const signal: ISignalDto = { position: "long", priceTakeProfit: 110, priceStopLoss: 95 };
    const opened = transition(NO_SIGNAL, { type: "signal", signal, id: "x" }, input(100, 0));
    expect(pendingOf(opened.state).minuteEstimatedTime).toBe(1440);
    expectAction(transition(opened.state, { type: "tick" }, input(101, 1439)).result, "active");
    const expired = transition(opened.state, { type: "tick" }, input(101, 1440));
    expect(expectAction(expired.result, "closed").closeReason).toBe("time_expired");

    const short = { ...DEFAULT_CONFIG, CC_MAX_SIGNAL_LIFETIME_MINUTES: 30 };
    const capped = transition(NO_SIGNAL, { type: "signal", signal, id: "y" }, input(100, 0, short));
    expect(pendingOf(capped.state).minuteEstimatedTime).toBe(30);
    expect(
      expectAction(transition(capped.state, { type: "tick" }, input(101, 30, short)).result, "closed")
        .closeReason,
    ).toBe("time_expired");
  });
});

describe("entry types", () => {
  it("limit: a marketable one fills at once at the current price, a resting one at priceOpen", () => {
    // Long limit 101 at price 100: the market already offers better → opened at 100.
    const marketable = run({ position: "long", priceOpen: 101, priceTakeProfit: 105, priceStopLoss: 97 }, []);
    const opened = expectAction(marketable.results[0] as IStrategyTickResult, "opened");
    expect(opened.signal.priceOpen).toBe(100);
    expect(opened.signal.entry).toBe("limit");
    // Long limit 99 at 100: rests; m1 99.5 waits; m2 98.5 reaches it → fills at 99, not at 98.5.
    const proposed = transition(
      NO_SIGNAL,
      {
        type: "signal",
        signal: { position: "long", priceOpen: 99, priceTakeProfit: 103, priceStopLoss: 96 },
        id: "r",
      },
      input(100, 0),
    );
    expect(expectAction(proposed.result, "scheduled").signal.entry).toBe("limit");
    const waiting = transition(proposed.state, { type: "tick" }, input(99.5, 1));
    expectAction(waiting.result, "scheduled");
    const filled = expectAction(transition(waiting.state, { type: "tick" }, input(98.5, 2)).result, "opened");
    expect(filled.signal.priceOpen).toBe(99);
    expect(filled.signal.fills).toEqual([
      { kind: "entry", price: 99, cost: 1, at: input(0, 2).now, source: "open" },
    ]);
    // A short limit 101 at 100 rests and fills at 101 when the price rises to 101.4.
    const shortLimit = transition(
      NO_SIGNAL,
      {
        type: "signal",
        signal: { position: "short", priceOpen: 101, priceTakeProfit: 97, priceStopLoss: 104 },
        id: "s",
      },
      input(100, 0),
    );
    expect(
      expectAction(transition(shortLimit.state, { type: "tick" }, input(101.4, 1)).result, "opened").signal
        .priceOpen,
    ).toBe(101);
  });

  it("stop: waits for the breakout and fills at that minute's price; an already crossed stop is rejected", () => {
    // Long stop 101 at 100: m1 100.5 waits; m2 101.7 ≥ 101 → opened at 101.7 (the minute's price).
    const signal: ISignalDto = {
      position: "long",
      entry: "stop",
      priceOpen: 101,
      priceTakeProfit: 106,
      priceStopLoss: 98,
    };
    const proposed = transition(NO_SIGNAL, { type: "signal", signal, id: "b" }, input(100, 0));
    expect(expectAction(proposed.result, "scheduled").signal.entry).toBe("stop");
    // A dip below priceOpen does not fill a stop (a limit would).
    const dip = transition(proposed.state, { type: "tick" }, input(99, 1));
    expectAction(dip.result, "scheduled");
    const breakout = expectAction(transition(dip.state, { type: "tick" }, input(101.7, 2)).result, "opened");
    expect(breakout.signal.priceOpen).toBe(101.7);
    // The stop loss before the breakout cancels it (price_reject).
    expect(
      expectAction(transition(dip.state, { type: "tick" }, input(97.9, 2)).result, "cancelled").cancelReason,
    ).toBe("price_reject");
    // Short stop 99: fills when the price falls to 98.6, at 98.6.
    const short = transition(
      NO_SIGNAL,
      {
        type: "signal",
        signal: { position: "short", entry: "stop", priceOpen: 99, priceTakeProfit: 95, priceStopLoss: 102 },
        id: "c",
      },
      input(100, 0),
    );
    expect(
      expectAction(transition(short.state, { type: "tick" }, input(98.6, 1)).result, "opened").signal
        .priceOpen,
    ).toBe(98.6);
    // Proposed at 101.5, above the long stop 101: rejected, naming priceOpen.
    const rejected = transition(NO_SIGNAL, { type: "signal", signal, id: "d" }, input(101.5, 0));
    expectAction(rejected.result, "idle");
    expect(rejected.rejection?.map((problem) => [problem.field, problem.value])).toEqual([
      ["priceOpen", 101],
    ]);
  });
});

describe("position commands", () => {
  const sized: ISignalDto = { position: "long", priceTakeProfit: 110, priceStopLoss: 95, cost: 1000 };

  it("partial profit and loss, refused on the wrong side or beyond the open share", () => {
    // Zero costs, long 100, cost 1000 (10 units).
    let state = run(sized, []).state;
    // 102: partial profit 25 % → fraction 0.25 at 102.
    let next = command(state, { kind: "partial", percent: 25, direction: "profit" }, 102, 1);
    expect(expectAction(next.result, "updated").update).toEqual({
      kind: "partial",
      reason: "partial_profit",
      price: 102,
      fraction: 0.25,
    });
    state = next.state;
    // 101 is in profit: a partial loss is refused; 99 is in loss: a partial profit is refused.
    next = command(state, { kind: "partial", percent: 10, direction: "loss" }, 101, 2);
    expectAction(next.result, "active");
    expect(next.state).toBe(state);
    expect(next.rejection?.map((problem) => [problem.field, problem.value])).toEqual([["currentPrice", 101]]);
    expect(next.rejection?.[0]?.message).toMatch(/partial loss needs the price in loss/);
    next = command(state, { kind: "partial", percent: 10, direction: "profit" }, 99, 2);
    expect(next.rejection?.[0]?.reason).toBe("a partial profit needs the price in profit");
    // 99: partial loss 50 % of the entered size = 0.5 / 0.75 of the open 75 % → fraction 2/3.
    next = command(state, { kind: "partial", percent: 50, direction: "loss" }, 99, 3);
    const loss = expectAction(next.result, "updated");
    if (loss.update.kind !== "partial") throw new Error("not a partial");
    expect(loss.update.reason).toBe("partial_loss");
    expect(loss.update.fraction).toBeCloseTo(2 / 3, 15);
    state = next.state;
    // 30 % is more than the 25 % still open: refused, naming percent.
    next = command(state, { kind: "partial", percent: 30, direction: "loss" }, 99, 4);
    expect(next.rejection?.map((problem) => [problem.field, problem.value])).toEqual([["percent", 30]]);
    // User close at 100.5: exits 2.5 u × 102 = 255, 5 u × 99 = 495, 2.5 u × 100.5 = 251.25 → 1001.25;
    // money = 1001.25 − 1000 = 1.25, percent 0.125.
    const closed = expectAction(
      transition(state, { type: "close", reason: "closed" }, input(100.5, 5, ZERO_COSTS)).result,
      "closed",
    );
    expect(closed.pnl.pnlCost).toBeCloseTo(1.25, 10);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(0.125, 10);
    expect(closed.pnl.costTotal).toBe(1000);
  });

  it("a partial of the whole open share closes the position (reason closed)", () => {
    const state = run(sized, []).state;
    const half = command(state, { kind: "partial", percent: 50, direction: "profit" }, 102, 1).state;
    const rest = command(half, { kind: "partial", percent: 50, direction: "profit" }, 103, 2);
    const closed = expectAction(rest.result, "closed");
    expect(closed.closeReason).toBe("closed");
    // 0.5·2 % + 0.5·3 % = 2.5 %; money 25.
    expect(closed.pnl.pnlPercentage).toBeCloseTo(2.5, 10);
    expect(closed.pnl.pnlCost).toBeCloseTo(25, 9);
  });

  it("stop move: tightenOnly refuses a looser stop, a stop must be below the price (long)", () => {
    const state = run(sized, []).state;
    const tightened = command(state, { kind: "stop", price: 101, tightenOnly: true }, 102, 1);
    expect(expectAction(tightened.result, "updated").update).toEqual({
      kind: "stop_moved",
      source: "command",
      from: 95,
      to: 101,
    });
    const looser = command(tightened.state, { kind: "stop", price: 100, tightenOnly: true }, 102, 2);
    expect(looser.rejection?.[0]).toMatchObject({
      field: "priceStopLoss",
      value: 100,
      reason: "a trailing stop only tightens",
    });
    expect(looser.state).toBe(tightened.state);
    const loosened = command(tightened.state, { kind: "stop", price: 100, tightenOnly: false }, 102, 2);
    expect(pendingOf(loosened.state).priceStopLoss).toBe(100);
    const above = command(state, { kind: "stop", price: 102.5, tightenOnly: false }, 102, 2);
    expect(above.rejection?.[0]).toMatchObject({ field: "priceStopLoss", value: 102.5 });
    expect(above.rejection?.[0]?.message).toMatch(/below the current price 102/);
  });

  it("take move: on the profit side of the price only", () => {
    const state = run(sized, []).state;
    const moved = command(state, { kind: "take", price: 104 }, 102, 1);
    expect(expectAction(moved.result, "updated").update).toEqual({
      kind: "take_moved",
      source: "command",
      from: 110,
      to: 104,
    });
    expect(pendingOf(moved.state).originalTakeProfit).toBe(110);
    const wrong = command(state, { kind: "take", price: 101.5 }, 102, 1);
    expect(wrong.rejection?.[0]).toMatchObject({ field: "priceTakeProfit", value: 101.5 });
  });

  it("breakeven: refused before the zero-PnL price, then the stop moves there", () => {
    // Zero-PnL price 100.400801 (fee and slippage 0.1 %): at 100.3 refused, at 101 accepted.
    const state = run(sized, [], DEFAULT_CONFIG).state;
    const early = command(state, { kind: "breakeven" }, 100.3, 1, DEFAULT_CONFIG);
    expect(early.rejection?.[0]).toMatchObject({ field: "currentPrice", value: 100.3 });
    expect(early.state).toBe(state);
    const done = command(state, { kind: "breakeven" }, 101, 1, DEFAULT_CONFIG);
    const update = expectAction(done.result, "updated").update;
    if (update.kind !== "breakeven") throw new Error("not a breakeven");
    expect(update.to).toBeCloseTo(100.400801201602, 10);
    expect(pendingOf(done.state).breakevenDone).toBe(true);
  });

  it("entry: with a cost, with the first entry's cost, refused when averaging up, then allowed", () => {
    // Zero costs. 98: +500; 97: null → the first entry's 1000; 101 (above the average) refused, then
    // allowed with allowAveragingUp. quantity = 10 + 500/98 + 1000/97 + 1000/101 = 35.3123093,
    // average = 3500 / 35.3123093 = 99.1155796; close at 100: money = 3531.23093 − 3500 = 31.2309266,
    // percent = 31.2309266 / 3500 · 100 = 0.89231219.
    let state = run(sized, []).state;
    let next = command(state, { kind: "entry", cost: 500, allowAveragingUp: false }, 98, 1);
    expect(expectAction(next.result, "updated").update).toEqual({
      kind: "entry",
      source: "command",
      price: 98,
      cost: 500,
    });
    state = next.state;
    next = command(state, { kind: "entry", cost: null, allowAveragingUp: false }, 97, 2);
    expect(expectAction(next.result, "updated").update).toMatchObject({ cost: 1000 });
    state = next.state;
    next = command(state, { kind: "entry", cost: null, allowAveragingUp: false }, 101, 3);
    expect(next.rejection?.[0]).toMatchObject({ field: "currentPrice", value: 101 });
    next = command(state, { kind: "entry", cost: null, allowAveragingUp: true }, 101, 3);
    state = next.state;
    expect(pendingOf(state).fills.map((fill) => fill.kind)).toEqual(["entry", "entry", "entry", "entry"]);
    const closed = expectAction(
      transition(state, { type: "close", reason: "closed" }, input(100, 4, ZERO_COSTS)).result,
      "closed",
    );
    expect(closed.pnl.priceOpen).toBeCloseTo(99.11557960284998, 10);
    expect(closed.pnl.costTotal).toBe(3500);
    expect(closed.pnl.pnlCost).toBeCloseTo(31.230926585189536, 8);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(0.8923121881482725, 10);
  });

  it("entry on an unsized position: no cost allowed, null repeats the first (1 unit); money is null", () => {
    // Zero costs, units of the first entry: 1 at 100, 1 at 98; quantity 0.01 + 1/98 = 0.0202040816;
    // close at 99: 0.0202040816·99 − 2 = 0.000204082 → percent 0.000204082 / 2 · 100 = 0.0102040816.
    const state = run({ position: "long", priceTakeProfit: 110, priceStopLoss: 95 }, []).state;
    const priced = command(state, { kind: "entry", cost: 300, allowAveragingUp: false }, 98, 1);
    expect(priced.rejection?.[0]).toMatchObject({ field: "cost", value: 300 });
    const next = command(state, { kind: "entry", cost: null, allowAveragingUp: false }, 98, 1);
    expect(expectAction(next.result, "updated").update).toMatchObject({ cost: 1 });
    const closed = expectAction(
      transition(next.state, { type: "close", reason: "closed" }, input(99, 2, ZERO_COSTS)).result,
      "closed",
    );
    expect(closed.pnl.pnlPercentage).toBeCloseTo(0.010204081632658735, 10);
    expect(closed.pnl.pnlCost).toBeNull();
    expect(closed.pnl.costTotal).toBeNull();
  });

  it("entry: refused beyond the dca rule's maxEntries", () => {
    const state = run({ ...sized, dca: { levels: [{ lossPercent: 4 }], maxEntries: 2 } }, []).state;
    const second = command(state, { kind: "entry", cost: null, allowAveragingUp: false }, 99, 1);
    expectAction(second.result, "updated");
    const third = command(second.state, { kind: "entry", cost: null, allowAveragingUp: false }, 98, 2);
    expect(third.rejection?.[0]).toMatchObject({ field: "entries", value: 2 });
    expect(third.state).toBe(second.state);
  });

  it("activate opens a scheduled signal now at the current price; it is refused on an open position or none", () => {
    const scheduled = transition(
      NO_SIGNAL,
      { type: "signal", signal: { ...sized, priceOpen: 99 }, id: "a" },
      input(100, 0, ZERO_COSTS),
    );
    expect(scheduled.state.status).toBe("scheduled");
    const refusedStop = command(scheduled.state, { kind: "stop", price: 97, tightenOnly: false }, 99.6, 1);
    expect(refusedStop.rejection?.[0]).toMatchObject({ field: "state", value: "scheduled" });
    const activated = command(scheduled.state, { kind: "activate" }, 99.6, 1);
    const opened = expectAction(activated.result, "opened");
    expect(opened.signal.priceOpen).toBe(99.6);
    expect(opened.signal.quantity).toBeCloseTo(1000 / 99.6, 12);
    const again = command(activated.state, { kind: "activate" }, 99.6, 2);
    expect(again.rejection?.[0]).toMatchObject({ field: "state", value: "pending" });
    const none = command(NO_SIGNAL, { kind: "activate" }, 99.6, 2);
    expectAction(none.result, "idle");
    expect(none.rejection?.[0]).toMatchObject({ field: "state", value: "none" });
  });
});

describe("positionFigures: an open position's unrealised PnL, excursions and age", () => {
  it("one entry: the round-trip formula at the current price; MFE / MAE include that price", () => {
    // Long 100, cost 1000, best 103 and worst 99 so far, now at 102, 90 minutes after the open.
    const row = {
      ...pendingRow({
        position: "long",
        priceOpen: 100,
        priceTakeProfit: 110,
        priceStopLoss: 95,
        minuteEstimatedTime: 600,
        cost: 1000,
      }),
      bestPrice: 103,
      worstPrice: 99,
    };
    const costs = { feePercent: 0.1, slippagePercent: 0.1 };
    const figures = positionFigures(row, 102, row.pendingAt + 90 * MINUTE_MS, costs);
    // computePnlPercent("long", 100, 102, fee 0.1, slip 0.1) = (101.898 − 100.1) / 100.1 · 100 − 0.1 · (1 + 101.898 / 100.1) ≈ 1.5944.
    expect(figures.unrealisedPnlPercent).toBe(computePnlPercent("long", 100, 102, costs));
    expect(figures.unrealisedPnlCost).toBeCloseTo(figures.unrealisedPnlPercent * 10, 9);
    expect(figures).toMatchObject({
      averageEntry: 100,
      openShare: 1,
      costTotal: 1000,
      minutesInPosition: 90,
    });
    expect(figures.mfePercent).toBeCloseTo(3, 12);
    expect(figures.maePercent).toBeCloseTo(-1, 12);
    // A new extreme at the price itself counts: 98 is 2 % against the entry.
    expect(positionFigures(row, 98, row.pendingAt, costs).maePercent).toBeCloseTo(-2, 12);
  });

  it("an unsized position has no money figures", () => {
    const row = pendingRow({
      position: "short",
      priceOpen: 100,
      priceTakeProfit: 95,
      priceStopLoss: 103,
      minuteEstimatedTime: 600,
    });
    const figures = positionFigures(row, 99, row.pendingAt, ZERO_COSTS_PNL);
    expect(figures.unrealisedPnlCost).toBeNull();
    expect(figures.costTotal).toBeNull();
    expect(figures.unrealisedPnlPercent).toBeCloseTo(1, 12);
  });
});

const ZERO_COSTS_PNL = { feePercent: 0, slippagePercent: 0 };
