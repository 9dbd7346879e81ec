import {
  BtError,
  DEFAULT_CONFIG,
  type IGlobalConfig,
  type ISignalDto,
  type IStrategyTickResult,
  MINUTE_MS,
  minuteChange,
  NO_RULES,
  NO_SIGNAL,
  PositionCursor,
  type SignalPosition,
  type StrategyAction,
  type StrategyEvent,
  type StrategyState,
  scanPendingExit,
  scanScheduledOutcome,
  scheduledOutcome,
  transition,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { at, designPnl, input, ORIGIN, pendingRow, scheduledRow, T0 } from "./fixtures";

const TICK: StrategyEvent = { type: "tick" };

/** Narrows a result to one union member, failing the test when the action differs. */
function expectAction<A extends StrategyAction>(
  result: IStrategyTickResult,
  action: A,
): Extract<IStrategyTickResult, { action: A }> {
  expect(result.action).toBe(action);
  if (result.action !== action) throw new Error(`expected ${action}, got ${result.action}`);
  return result as Extract<IStrategyTickResult, { action: A }>;
}

/**
 * Each case is written for a long around 100 and mirrored for the short by p ↦ 200 − p: a long with TP 102 /
 * SL 98 becomes a short with TP 98 / SL 102, and a price path up becomes the same path down.
 */
const SIDES: ReadonlyArray<{ position: SignalPosition; p: (longPrice: number) => number }> = [
  { position: "long", p: (price) => price },
  { position: "short", p: (price) => 200 - price },
];

describe.each(SIDES)("transition ($position)", ({ position, p }) => {
  // Immediate signal at 100: TP 2 % away, SL 2 % away.
  const immediate: ISignalDto = {
    position,
    priceTakeProfit: p(102),
    priceStopLoss: p(98),
    minuteEstimatedTime: 60,
  };
  // Scheduled signal proposed at 100: waits for p(99); TP p(101), SL p(97).
  const scheduled: ISignalDto = {
    position,
    priceOpen: p(99),
    priceTakeProfit: p(101),
    priceStopLoss: p(97),
    minuteEstimatedTime: 60,
  };

  function propose(
    signal: ISignalDto,
    price: number,
    minutes = 0,
    config: Readonly<IGlobalConfig> = DEFAULT_CONFIG,
  ) {
    return transition(NO_SIGNAL, { type: "signal", signal, id: "sig-1" }, input(price, minutes, config));
  }

  function openImmediate(): StrategyState {
    const { state } = propose(immediate, 100);
    expect(state.status).toBe("pending");
    return state;
  }

  function schedule(): StrategyState {
    const { state } = propose(scheduled, 100);
    expect(state.status).toBe("scheduled");
    return state;
  }

  it("none + tick → idle, state stays none", () => {
    const next = transition(NO_SIGNAL, TICK, input(123.5, 7));
    const idle = expectAction(next.result, "idle");
    expect(next.state).toEqual({ status: "none" });
    expect(next.rejection).toBeNull();
    expect(idle).toEqual({ ...ORIGIN, currentPrice: 123.5, timestamp: at(7), action: "idle" });
  });

  it("a signal without priceOpen opens immediately at the current price", () => {
    const next = propose({ ...immediate, note: "why", cost: 250 }, 100, 3);
    const opened = expectAction(next.result, "opened");
    expect(next.rejection).toBeNull();
    expect(next.state).toEqual({ status: "pending", signal: opened.signal });
    expect(opened.signal).toEqual({
      kind: "pending",
      id: "sig-1",
      ...{ symbol: ORIGIN.symbol, strategyName: ORIGIN.strategyName, exchangeName: ORIGIN.exchangeName },
      position,
      priceOpen: 100,
      entry: "market",
      priceTakeProfit: p(102),
      priceStopLoss: p(98),
      minuteEstimatedTime: 60,
      note: "why",
      cost: 250,
      quantity: 2.5, // 250 / 100
      scheduledAt: at(3),
      rules: NO_RULES,
      pendingAt: at(3),
      fills: [{ kind: "entry", price: 100, cost: 250, at: at(3), source: "open" }],
      originalTakeProfit: p(102),
      originalStopLoss: p(98),
      bestPrice: 100,
      worstPrice: 100,
      trailingTakePeak: null,
      breakevenDone: false,
      ladderNext: 0,
      dcaNext: 0,
    });
    expect(opened.currentPrice).toBe(100);
    expect(opened.timestamp).toBe(at(3));
  });

  it("the event's cost is the stake in place of the signal's, and the signal object is not copied or changed", () => {
    const signal: ISignalDto = { ...immediate, cost: 100 };
    const event: StrategyEvent = { type: "signal", signal, id: "sig-1", cost: 250 };
    const next = transition(NO_SIGNAL, event, input(100, 3));
    const opened = expectAction(next.result, "opened");
    expect(opened.signal.cost).toBe(250);
    expect(opened.signal.quantity).toBe(2.5);
    expect(opened.signal.fills).toEqual([
      { kind: "entry", price: 100, cost: 250, at: at(3), source: "open" },
    ]);
    expect(signal.cost).toBe(100);
    // Not validated by the caller: the stake is checked like a signal's cost.
    const refused = transition(NO_SIGNAL, { ...event, cost: -5 }, input(100, 3));
    expect(refused.state).toBe(NO_SIGNAL);
    expect(refused.rejection?.map((problem) => problem.field)).toEqual(["cost"]);
  });

  it("an unsized signal has cost and quantity null and an empty note", () => {
    const opened = expectAction(propose(immediate, 100).result, "opened");
    expect(opened.signal.cost).toBeNull();
    expect(opened.signal.quantity).toBeNull();
    expect(opened.signal.note).toBe("");
  });

  it("a signal whose priceOpen is not reached is scheduled", () => {
    const next = propose(scheduled, 100, 2);
    const result = expectAction(next.result, "scheduled");
    expect(next.state).toEqual({ status: "scheduled", signal: result.signal });
    expect(result.signal.kind).toBe("scheduled");
    expect(result.signal.priceOpen).toBe(p(99));
    expect(result.signal.scheduledAt).toBe(at(2));
    expect("pendingAt" in result.signal).toBe(false);
  });

  it("a limit whose priceOpen the market has already crossed fills at once at the current price", () => {
    // Behaviour changed in b183a68 (issue 17): a marketable limit used to fill at priceOpen, a price the
    // market did not offer; it now fills at the current price. long: priceOpen 99, price 98 ≤ 99 (above
    // SL 97) → opened at 98 (short: 102 ≥ 101 → 102).
    const next = propose(scheduled, p(98), 4);
    const opened = expectAction(next.result, "opened");
    expect(opened.signal.priceOpen).toBe(p(98));
    expect(opened.signal.entry).toBe("limit");
    expect(opened.signal.fills).toEqual([
      { kind: "entry", price: p(98), cost: 1, at: at(4), source: "open" },
    ]);
    expect(opened.currentPrice).toBe(p(98));
    expect(opened.signal.scheduledAt).toBe(at(4));
    expect(opened.signal.pendingAt).toBe(at(4));
    expect(next.state.status).toBe("pending");
  });

  it("a signal whose priceOpen equals the current price opens at once", () => {
    const opened = expectAction(
      propose({ ...scheduled, priceOpen: 100, priceTakeProfit: p(102) }, 100).result,
      "opened",
    );
    expect(opened.signal.priceOpen).toBe(100);
  });

  it("scheduled + tick, priceOpen not reached → still scheduled (same signal)", () => {
    const state = schedule();
    const next = transition(state, TICK, input(p(99.5), 1));
    const result = expectAction(next.result, "scheduled");
    expect(next.state).toBe(state);
    expect(result.signal).toBe(state.status === "scheduled" ? state.signal : undefined);
  });

  it("scheduled → opened on activation (price reaches priceOpen exactly or beyond); open time = activation", () => {
    for (const price of [p(99), p(98.2)]) {
      const next = transition(schedule(), TICK, input(price, 10));
      const opened = expectAction(next.result, "opened");
      expect(opened.signal.kind).toBe("pending");
      expect(opened.signal.priceOpen).toBe(p(99));
      expect(opened.signal.scheduledAt).toBe(at(0));
      expect(opened.signal.pendingAt).toBe(at(10));
      expect(opened.currentPrice).toBe(price);
      expect(next.state).toEqual({ status: "pending", signal: opened.signal });
    }
  });

  it("scheduled → cancelled price_reject when the stop loss is reached before activation (at and beyond SL)", () => {
    for (const price of [p(97), p(95)]) {
      const next = transition(schedule(), TICK, input(price, 5));
      const cancelled = expectAction(next.result, "cancelled");
      expect(cancelled.cancelReason).toBe("price_reject");
      expect(cancelled.signal.id).toBe("sig-1");
      expect(next.state).toBe(NO_SIGNAL);
    }
  });

  it("scheduled → cancelled timeout at exactly CC_SCHEDULE_AWAIT_MINUTES (120), not one minute before", () => {
    const state = schedule();
    expectAction(transition(state, TICK, input(100, 119)).result, "scheduled");
    const next = transition(state, TICK, input(100, 120));
    expect(expectAction(next.result, "cancelled").cancelReason).toBe("timeout");
    expect(next.state).toBe(NO_SIGNAL);
  });

  it("timeout is checked before activation on the same minute", () => {
    const next = transition(schedule(), TICK, input(p(99), 120));
    expect(expectAction(next.result, "cancelled").cancelReason).toBe("timeout");
  });

  it("the timeout follows a configured CC_SCHEDULE_AWAIT_MINUTES", () => {
    const config = { ...DEFAULT_CONFIG, CC_SCHEDULE_AWAIT_MINUTES: 5 };
    const { state } = propose(scheduled, 100, 0, config);
    expectAction(transition(state, TICK, input(100, 4, config)).result, "scheduled");
    expect(
      expectAction(transition(state, TICK, input(100, 5, config)).result, "cancelled").cancelReason,
    ).toBe("timeout");
  });

  it("open + tick inside TP and SL → active; the row folds the new best price (b183a68), else stays the same", () => {
    const state = openImmediate();
    const next = transition(state, TICK, input(p(101.9), 1));
    const active = expectAction(next.result, "active");
    expect(active.signal.id).toBe("sig-1");
    if (state.status !== "pending") throw new Error("not pending");
    expect(next.state).toEqual({ status: "pending", signal: { ...state.signal, bestPrice: p(101.9) } });
    expect(active.signal).toBe(next.state.status === "pending" ? next.state.signal : undefined);
    // A minute between the best and worst price so far changes nothing: the very same state.
    const again = transition(next.state, TICK, input(100, 2));
    expectAction(again.result, "active");
    expect(again.state).toBe(next.state);
  });

  it("open → closed time_expired at exactly minuteEstimatedTime, exiting at the current price", () => {
    const state = openImmediate();
    expectAction(transition(state, TICK, input(p(101), 59)).result, "active");
    const next = transition(state, TICK, input(p(101), 60));
    const closed = expectAction(next.result, "closed");
    expect(closed.closeReason).toBe("time_expired");
    expect(closed.currentPrice).toBe(p(101));
    expect(closed.pnl.priceOpen).toBe(100);
    expect(closed.pnl.priceClose).toBe(p(101));
    expect(next.state).toBe(NO_SIGNAL);
  });

  it("expiry is measured from the activation (pendingAt), not from scheduling", () => {
    const activated = transition(schedule(), TICK, input(p(99), 10)).state;
    expectAction(transition(activated, TICK, input(p(99.5), 69)).result, "active");
    expect(expectAction(transition(activated, TICK, input(p(99.5), 70)).result, "closed").closeReason).toBe(
      "time_expired",
    );
  });

  it("open → closed take_profit exits exactly at the TP level even when the price overshoots", () => {
    for (const price of [p(102), p(105)]) {
      const closed = expectAction(transition(openImmediate(), TICK, input(price, 1)).result, "closed");
      expect(closed.closeReason).toBe("take_profit");
      expect(closed.currentPrice).toBe(p(102));
      expect(closed.pnl.priceClose).toBe(p(102));
    }
  });

  it("open → closed stop_loss exits exactly at the SL level even when the price gaps through it", () => {
    for (const price of [p(98), p(90)]) {
      const closed = expectAction(transition(openImmediate(), TICK, input(price, 1)).result, "closed");
      expect(closed.closeReason).toBe("stop_loss");
      expect(closed.currentPrice).toBe(p(98));
      expect(closed.pnl.priceClose).toBe(p(98));
    }
  });

  it("time expiry and take profit on the same minute → time_expired at the current price", () => {
    const closed = expectAction(transition(openImmediate(), TICK, input(p(103), 60)).result, "closed");
    expect(closed.closeReason).toBe("time_expired");
    expect(closed.pnl.priceClose).toBe(p(103));
  });

  it("time expiry and stop loss on the same minute → time_expired at the current price", () => {
    const closed = expectAction(transition(openImmediate(), TICK, input(p(97), 60)).result, "closed");
    expect(closed.closeReason).toBe("time_expired");
    expect(closed.pnl.priceClose).toBe(p(97));
  });

  it("stop loss is checked before take profit (pinned with a malformed hand-made signal where both hold)", () => {
    // Behaviour changed in b183a68 (issue 17): the order is now expiry → stop loss → take profit (the
    // pessimistic order, as in minuteChange's doc), it used to be take profit first.
    // long: TP 95 below SL 105 (validation would reject it); at 100, price ≥ TP and price ≤ SL both hold.
    const signal = pendingRow({
      position,
      priceOpen: 100,
      priceTakeProfit: p(95),
      priceStopLoss: p(105),
      minuteEstimatedTime: 60,
    });
    expect(minuteChange(new PositionCursor().reset(signal), 100, at(1), DEFAULT_CONFIG)).toEqual({
      kind: "close",
      reason: "stop_loss",
      price: p(105),
    });
    const closed = expectAction(
      transition({ status: "pending", signal }, TICK, input(100, 1)).result,
      "closed",
    );
    expect(closed.closeReason).toBe("stop_loss");
    expect(closed.pnl.priceClose).toBe(p(105));
  });

  it("user close → closed with reason closed at the current price", () => {
    const next = transition(openImmediate(), { type: "close", reason: "closed" }, input(p(101.5), 5));
    const closed = expectAction(next.result, "closed");
    expect(closed.closeReason).toBe("closed");
    expect(closed.pnl.priceClose).toBe(p(101.5));
    expect(next.state).toBe(NO_SIGNAL);
  });

  it("frame end on an open position → closed time_expired at the current price, before minuteEstimatedTime", () => {
    const next = transition(openImmediate(), { type: "close", reason: "time_expired" }, input(p(99), 30));
    const closed = expectAction(next.result, "closed");
    expect(closed.closeReason).toBe("time_expired");
    expect(closed.pnl.priceClose).toBe(p(99));
    expect(next.state).toBe(NO_SIGNAL);
  });

  it("frame end on a scheduled signal → cancelled timeout; user close on it → cancelled user", () => {
    const frameEnd = transition(schedule(), { type: "close", reason: "time_expired" }, input(100, 30));
    expect(expectAction(frameEnd.result, "cancelled").cancelReason).toBe("timeout");
    expect(frameEnd.state).toBe(NO_SIGNAL);
    const byUser = transition(schedule(), { type: "close", reason: "closed" }, input(100, 30));
    expect(expectAction(byUser.result, "cancelled").cancelReason).toBe("user");
    expect(byUser.state).toBe(NO_SIGNAL);
  });

  it("user cancel: scheduled → cancelled user; open position unaffected (active); none → idle", () => {
    const cancelled = transition(schedule(), { type: "cancel" }, input(100, 3));
    expect(expectAction(cancelled.result, "cancelled").cancelReason).toBe("user");
    expect(cancelled.state).toBe(NO_SIGNAL);

    const state = openImmediate();
    const unaffected = transition(state, { type: "cancel" }, input(p(101), 3));
    expectAction(unaffected.result, "active");
    expect(unaffected.state).toBe(state);

    const nothing = transition(NO_SIGNAL, { type: "cancel" }, input(100, 3));
    expectAction(nothing.result, "idle");
    expect(nothing.state).toBe(NO_SIGNAL);
  });

  it("close on none → idle", () => {
    const next = transition(NO_SIGNAL, { type: "close", reason: "closed" }, input(100, 3));
    expectAction(next.result, "idle");
    expect(next.state).toBe(NO_SIGNAL);
  });

  it("a signal proposed while one is open or scheduled throws BtError STATE", () => {
    for (const state of [openImmediate(), schedule()]) {
      let thrown: unknown;
      try {
        transition(state, { type: "signal", signal: immediate, id: "sig-2" }, input(100, 1));
      } catch (error) {
        thrown = error;
      }
      expect(BtError.isInstance(thrown)).toBe(true);
      expect((thrown as BtError).code).toBe("STATE");
      expect((thrown as BtError).message).toBe(
        `Cannot accept signal sig-2: a signal is already ${state.status}`,
      );
    }
  });

  it("a signal failing validation → idle with the rejection problems; state stays none", () => {
    const next = propose({ ...immediate, priceTakeProfit: p(99) }, 100);
    expectAction(next.result, "idle");
    expect(next.state).toBe(NO_SIGNAL);
    expect(next.rejection?.map(({ reason: _reason, ...problem }) => problem)).toEqual([
      {
        field: "priceTakeProfit",
        value: p(99),
        message: `priceTakeProfit ${p(99)} must be ${position === "long" ? "above" : "below"} the current price 100 for a ${position} position`,
      },
    ]);
  });

  it("a closed result carries the pnl of the DESIGN.md formula at the configured costs", () => {
    // Take profit at defaults. long: open' = 100·1.001 = 100.1, close' = 102·0.999 = 101.898,
    //   pnl = (101.898 − 100.1)/100.1·100 − 0.1·(1 + 101.898/100.1) = 1.5944075924075924.
    // short: open' = 100·0.999 = 99.9, close' = 98·1.001 = 98.098,
    //   pnl = (99.9 − 98.098)/99.9·100 − 0.1·(1 + 98.098/99.9) = 1.6056076076076076.
    const closed = expectAction(transition(openImmediate(), TICK, input(p(103), 1)).result, "closed");
    const expected = position === "long" ? 1.5944075924075924 : 1.6056076076076076;
    expect(closed.pnl.pnlPercentage).toBeCloseTo(expected, 10);
    expect(closed.pnl.pnlPercentage).toBeCloseTo(designPnl(position, 100, p(102), 0.1, 0.1), 12);

    // Zero costs and a user close at p(101): exactly ±1 %.
    const free = { ...DEFAULT_CONFIG, CC_PERCENT_FEE: 0, CC_PERCENT_SLIPPAGE: 0 };
    const userClosed = expectAction(
      transition(openImmediate(), { type: "close", reason: "closed" }, input(p(101), 1, free)).result,
      "closed",
    );
    expect(userClosed.pnl.pnlPercentage).toBeCloseTo(1, 10);
  });

  it("TP/SL are first checked on the tick after opening: opened, then active, then closed", () => {
    const opened = transition(schedule(), TICK, input(p(99), 10));
    expectAction(opened.result, "opened");
    // The next tick at the activation price only reports the position.
    const stillOpen = transition(opened.state, TICK, input(p(99), 11));
    expectAction(stillOpen.result, "active");
    // The tick after that reaches the take profit.
    const closed = transition(stillOpen.state, TICK, input(p(101), 12));
    expect(expectAction(closed.result, "closed").closeReason).toBe("take_profit");
  });

  it("the activation tick never closes, even when a hand-made signal has its TP already crossed", () => {
    // long: a malformed row with TP 98.5 below priceOpen 99; at 98.6 the signal activates and the price is
    // already ≥ TP, yet the activation tick reports opened; the TP is taken on the next tick.
    const signal = scheduledRow({
      position,
      priceOpen: p(99),
      priceTakeProfit: p(98.5),
      priceStopLoss: p(97),
      minuteEstimatedTime: 60,
    });
    const opened = transition({ status: "scheduled", signal }, TICK, input(p(98.6), 1));
    expectAction(opened.result, "opened");
    const closed = transition(opened.state, TICK, input(p(98.6), 2));
    expect(expectAction(closed.result, "closed").closeReason).toBe("take_profit");
  });

  it("scheduled predicates: scheduledOutcome mirrors the transition", () => {
    const signal = scheduledRow({
      position,
      priceOpen: p(99),
      priceTakeProfit: p(101),
      priceStopLoss: p(97),
      minuteEstimatedTime: 60,
    });
    expect(scheduledOutcome(signal, 100, at(1), DEFAULT_CONFIG)).toBeNull();
    expect(scheduledOutcome(signal, p(99), at(1), DEFAULT_CONFIG)).toBe("activate");
    expect(scheduledOutcome(signal, p(97), at(1), DEFAULT_CONFIG)).toBe("price_reject");
    expect(scheduledOutcome(signal, p(99), at(120), DEFAULT_CONFIG)).toBe("timeout");
  });
});

describe.each(SIDES)(
  "scan helpers agree with stepping transition minute by minute ($position)",
  ({ position, p }) => {
    const pending = pendingRow({
      position,
      priceOpen: 100,
      priceTakeProfit: p(102),
      priceStopLoss: p(98),
      minuteEstimatedTime: 5,
    });
    const waiting = scheduledRow({
      position,
      priceOpen: p(99),
      priceTakeProfit: p(101),
      priceStopLoss: p(97),
      minuteEstimatedTime: 60,
    });
    const awaitFour = { ...DEFAULT_CONFIG, CC_SCHEDULE_AWAIT_MINUTES: 4 };

    /** Index of the first minute at which stepping `transition` leaves the state, or −1. */
    function stepIndex(
      start: StrategyState,
      prices: number[],
      from: number,
      config: Readonly<IGlobalConfig>,
    ): number {
      let state = start;
      for (let index = from; index < prices.length; index++) {
        const minutes = 1 + index - from;
        const next = transition(state, TICK, input(prices[index] as number, minutes, config));
        if (next.result.action !== "active" && next.result.action !== "scheduled") return index;
        // Active minutes fold best / worst prices into the row: carry it, as the engine does.
        state = next.state;
      }
      return -1;
    }

    // Minute 1 is at index `from`; the position opened at minute 0 with minuteEstimatedTime 5.
    const pendingTable: Array<{
      name: string;
      prices: number[];
      from: number;
      expected: number;
      reason: string | null;
    }> = [
      { name: "take profit", prices: [100, 101, 102.5, 97], from: 0, expected: 2, reason: "take_profit" },
      { name: "stop loss", prices: [100, 99, 97.9, 103], from: 0, expected: 2, reason: "stop_loss" },
      {
        name: "expiry at minute 5",
        prices: [100, 100, 100, 100, 100, 100, 100],
        from: 0,
        expected: 4,
        reason: "time_expired",
      },
      {
        name: "from an offset",
        prices: [150, 50, 100, 101, 102],
        from: 2,
        expected: 4,
        reason: "take_profit",
      },
      { name: "stays open", prices: [101, 101.9, 98.1], from: 0, expected: -1, reason: null },
    ];

    it.each(pendingTable)("open position: $name", ({ prices, from, expected, reason }) => {
      const mirrored = prices.map(p);
      const scanned = scanPendingExit(
        pending,
        mirrored,
        from,
        mirrored.length,
        at(1),
        MINUTE_MS,
        DEFAULT_CONFIG,
      );
      expect(scanned.index).toBe(expected);
      expect(stepIndex({ status: "pending", signal: pending }, mirrored, from, DEFAULT_CONFIG)).toBe(
        expected,
      );
      if (expected >= 0) {
        const closed = transition(
          { status: "pending", signal: scanned.signal },
          TICK,
          input(mirrored[expected] as number, 1 + expected - from),
        );
        expect(expectAction(closed.result, "closed").closeReason).toBe(reason);
      }
    });

    const scheduledTable: Array<{
      name: string;
      prices: number[];
      from: number;
      expected: number;
      action: string | null;
    }> = [
      { name: "activation", prices: [100, 99.5, 99, 98], from: 0, expected: 2, action: "opened" },
      { name: "price reject", prices: [100, 96.5], from: 0, expected: 1, action: "cancelled" },
      {
        name: "timeout at minute 4",
        prices: [100, 100, 100, 100, 100],
        from: 0,
        expected: 3,
        action: "cancelled",
      },
      { name: "from an offset", prices: [90, 90, 100, 98.9], from: 2, expected: 3, action: "opened" },
      { name: "keeps waiting", prices: [100, 99.1], from: 0, expected: -1, action: null },
    ];

    it.each(scheduledTable)("scheduled signal: $name", ({ prices, from, expected, action }) => {
      const mirrored = prices.map(p);
      expect(
        scanScheduledOutcome(waiting, mirrored, from, mirrored.length, at(1), MINUTE_MS, awaitFour),
      ).toBe(expected);
      expect(stepIndex({ status: "scheduled", signal: waiting }, mirrored, from, awaitFour)).toBe(expected);
      if (expected >= 0) {
        const next = transition(
          { status: "scheduled", signal: waiting },
          TICK,
          input(mirrored[expected] as number, 1 + expected - from, awaitFour),
        );
        expect(next.result.action).toBe(action);
      }
    });

    it("an empty range scans to −1", () => {
      expect(scanPendingExit(pending, [p(110)], 1, 1, T0, MINUTE_MS, DEFAULT_CONFIG)).toEqual({
        index: -1,
        signal: pending,
      });
      expect(scanScheduledOutcome(waiting, [p(90)], 0, 0, T0, MINUTE_MS, DEFAULT_CONFIG)).toBe(-1);
    });
  },
);
