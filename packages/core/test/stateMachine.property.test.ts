import {
  DEFAULT_CONFIG,
  type IGlobalConfig,
  type IScheduledSignalRow,
  type ISignalDto,
  type ISignalRow,
  MINUTE_MS,
  NO_SIGNAL,
  type SignalPosition,
  type StrategyEvent,
  type StrategyState,
  scanPendingExit,
  scanScheduledOutcome,
  transition,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at, designPnl, input, ORIGIN, pendingRow, scheduledRow } from "./fixtures";

const position = fc.constantFrom<SignalPosition>("long", "short");

// fc.double spreads values over the float representation (most land near 0), so percentages are drawn
// as integers of basis points to cover the whole range evenly.
const basisPoints = (min: number, max: number) => fc.integer({ min, max }).map((points) => points / 10_000);

/** A random walk of prices starting near 100, one per minute. */
const pricePath = (minLength: number, maxLength: number) =>
  fc
    .tuple(
      fc.double({ min: 50, max: 150, noNaN: true }),
      fc.array(
        // Mostly calm minutes (±2 %), sometimes a gap (±10 %) that jumps over a level at once.
        fc.oneof(
          { weight: 5, arbitrary: basisPoints(-200, 200) },
          { weight: 1, arbitrary: basisPoints(-1000, 1000) },
        ),
        { minLength, maxLength, size: "max" },
      ),
    )
    .map(([start, steps]) => {
      const prices: number[] = [];
      let price = start;
      for (const step of steps) {
        price *= 1 + step;
        prices.push(price);
      }
      return prices;
    });

/** Signals expressed relative to the current price; mostly well-formed, sometimes not (then rejected). */
const signalShape = fc.record({
  position,
  openOffset: fc.option(basisPoints(-300, 300), { nil: undefined }),
  takeProfitPercent: fc.integer({ min: -200, max: 600 }).map((hundredths) => hundredths / 100),
  // Mostly near stop losses, so gaps through them (price_reject) happen often enough to be exercised.
  stopLossPercent: fc
    .oneof(
      { weight: 3, arbitrary: fc.integer({ min: -200, max: 300 }) },
      fc.integer({ min: -200, max: 2500 }),
    )
    .map((hundredths) => hundredths / 100),
  minuteEstimatedTime: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(0, 1.5, 5000)),
});
type SignalShape = typeof signalShape extends fc.Arbitrary<infer T> ? T : never;

function toSignal(shape: SignalShape, currentPrice: number): ISignalDto {
  const open = shape.openOffset === undefined ? currentPrice : currentPrice * (1 + shape.openOffset);
  const direction = shape.position === "long" ? 1 : -1;
  const signal: ISignalDto = {
    position: shape.position,
    priceTakeProfit: open * (1 + (direction * shape.takeProfitPercent) / 100),
    priceStopLoss: open * (1 - (direction * shape.stopLossPercent) / 100),
    minuteEstimatedTime: shape.minuteEstimatedTime,
  };
  if (shape.openOffset !== undefined) signal.priceOpen = open;
  return signal;
}

type Step =
  | { kind: "tick" }
  | { kind: "signal"; shape: SignalShape }
  | { kind: "close"; reason: "closed" | "time_expired" }
  | { kind: "cancel" };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 70, arbitrary: fc.constant({ kind: "tick" as const }) },
  { weight: 20, arbitrary: signalShape.map((shape) => ({ kind: "signal" as const, shape })) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom("closed" as const, "time_expired" as const)
      .map((reason) => ({ kind: "close" as const, reason })),
  },
  { weight: 4, arbitrary: fc.constant({ kind: "cancel" as const }) },
);

const config: fc.Arbitrary<Readonly<IGlobalConfig>> = fc
  .record({
    await: fc.integer({ min: 1, max: 30 }),
    fee: fc.double({ min: 0, max: 0.5, noNaN: true }),
    slippage: fc.double({ min: 0, max: 0.5, noNaN: true }),
  })
  .map((values) => ({
    ...DEFAULT_CONFIG,
    CC_SCHEDULE_AWAIT_MINUTES: values.await,
    CC_PERCENT_FEE: values.fee,
    CC_PERCENT_SLIPPAGE: values.slippage,
  }));

const scenario = fc.record({
  prices: pricePath(20, 150),
  steps: fc.array(step, { minLength: 150, maxLength: 150 }),
  config,
});

describe("transition on random price paths and random signals", () => {
  it("keeps the lifecycle invariants", () => {
    let opens = 0;
    let finishes = 0;
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(scenario, ({ prices, steps, config: runConfig }) => {
        let state: StrategyState = NO_SIGNAL;
        const opened = new Set<string>();
        const scheduled = new Set<string>();
        const finished = new Set<string>();
        let nextId = 0;
        for (let minute = 0; minute < prices.length; minute++) {
          const price = prices[minute] as number;
          const planned = steps[minute] ?? { kind: "tick" };
          const tickInput = input(price, minute, runConfig);
          let event: StrategyEvent;
          switch (planned.kind) {
            case "tick":
              event = { type: "tick" };
              break;
            case "signal":
              event = { type: "signal", signal: toSignal(planned.shape, price), id: `sig-${nextId++}` };
              break;
            case "close":
              event = { type: "close", reason: planned.reason };
              break;
            case "cancel":
              event = { type: "cancel" };
              break;
          }
          if (event.type === "signal" && state.status !== "none") {
            expect(() => transition(state, event, tickInput)).toThrow(/already/);
            event = { type: "tick" };
          }
          const next = transition(state, event, tickInput);
          const { result } = next;
          expect(result.timestamp).toBe(at(minute));
          expect(result.symbol).toBe(ORIGIN.symbol);
          expect(result.strategyName).toBe(ORIGIN.strategyName);
          expect(next.rejection === null || (event.type === "signal" && result.action === "idle")).toBe(true);

          switch (result.action) {
            case "idle":
              expect(next.state.status).toBe("none");
              expect(result.currentPrice).toBe(price);
              break;
            case "scheduled":
              expect(next.state).toEqual({ status: "scheduled", signal: result.signal });
              expect(finished.has(result.signal.id)).toBe(false);
              expect(opened.has(result.signal.id)).toBe(false);
              scheduled.add(result.signal.id);
              break;
            case "opened":
              expect(next.state).toEqual({ status: "pending", signal: result.signal });
              expect(finished.has(result.signal.id)).toBe(false);
              expect(opened.has(result.signal.id)).toBe(false);
              expect(result.signal.pendingAt).toBe(at(minute));
              opened.add(result.signal.id);
              opens++;
              break;
            case "active":
              expect(next.state).toEqual({ status: "pending", signal: result.signal });
              expect(opened.has(result.signal.id)).toBe(true);
              expect(finished.has(result.signal.id)).toBe(false);
              break;
            case "updated":
              // The generated signals carry no rules and the steps no commands: nothing updates.
              throw new Error(`unexpected update ${JSON.stringify(result.update)}`);
            case "closed": {
              expect(next.state).toBe(NO_SIGNAL);
              expect(opened.has(result.signal.id)).toBe(true);
              expect(finished.has(result.signal.id)).toBe(false);
              const { signal, closeReason, pnl } = result;
              const expectedClose =
                closeReason === "take_profit"
                  ? signal.priceTakeProfit
                  : closeReason === "stop_loss"
                    ? signal.priceStopLoss
                    : price;
              expect(pnl.priceClose).toBe(expectedClose);
              expect(result.currentPrice).toBe(expectedClose);
              expect(pnl.priceOpen).toBe(signal.priceOpen);
              const expectedPnl = designPnl(
                signal.position,
                signal.priceOpen,
                expectedClose,
                runConfig.CC_PERCENT_FEE,
                runConfig.CC_PERCENT_SLIPPAGE,
              );
              expect(Math.abs(pnl.pnlPercentage - expectedPnl)).toBeLessThan(1e-9);
              finished.add(signal.id);
              finishes++;
              outcomes.add(`closed:${closeReason}`);
              break;
            }
            case "cancelled":
              expect(next.state).toBe(NO_SIGNAL);
              expect(scheduled.has(result.signal.id)).toBe(true);
              expect(opened.has(result.signal.id)).toBe(false);
              expect(finished.has(result.signal.id)).toBe(false);
              finished.add(result.signal.id);
              finishes++;
              outcomes.add(`cancelled:${result.cancelReason}`);
              break;
            default: {
              // Exhaustive: a new union member fails to compile here.
              const unreachable: never = result;
              throw new Error(`not a union member: ${JSON.stringify(unreachable)}`);
            }
          }
          state = next.state;
        }
      }),
      { numRuns: 200 },
    );
    // The generators reach every outcome (guards against a vacuous property; price_reject, the rarest,
    // appears about 15 times per run).
    expect(opens).toBeGreaterThan(50);
    expect(finishes).toBeGreaterThan(50);
    expect([...outcomes].sort()).toEqual([
      "cancelled:price_reject",
      "cancelled:timeout",
      "cancelled:user",
      "closed:closed",
      "closed:stop_loss",
      "closed:take_profit",
      "closed:time_expired",
    ]);
  });
});

/** Index of the first minute at which stepping `transition` leaves the state, or −1. */
function stepIndex(
  start: StrategyState,
  prices: ReadonlyArray<number>,
  from: number,
  firstMinute: number,
  config: Readonly<IGlobalConfig>,
): number {
  let state = start;
  for (let index = from; index < prices.length; index++) {
    const next = transition(
      state,
      { type: "tick" },
      input(prices[index] as number, firstMinute + index - from, config),
    );
    if (next.result.action !== "active" && next.result.action !== "scheduled") return index;
    state = next.state;
  }
  return -1;
}

// Rows are built by hand with arbitrary geometry (also malformed), so the scans are compared with stepping
// on every rule, not only on validated signals.
const rowShape = fc.record({
  position,
  priceOpen: fc.double({ min: 80, max: 120, noNaN: true }),
  priceTakeProfit: fc.double({ min: 60, max: 140, noNaN: true }),
  priceStopLoss: fc.double({ min: 60, max: 140, noNaN: true }),
  minuteEstimatedTime: fc.integer({ min: 1, max: 80 }),
});

describe("scan helpers == stepping transition", () => {
  it("scanPendingExit finds the minute stepping closes at", () => {
    fc.assert(
      fc.property(
        rowShape,
        pricePath(1, 100),
        fc.nat(10),
        fc.integer({ min: 0, max: 30 }),
        (shape, prices, from, firstMinute) => {
          const signal: ISignalRow = pendingRow(shape);
          const start = Math.min(from, prices.length);
          expect(
            scanPendingExit(signal, prices, start, prices.length, at(firstMinute), MINUTE_MS, DEFAULT_CONFIG)
              .index,
          ).toBe(stepIndex({ status: "pending", signal }, prices, start, firstMinute, DEFAULT_CONFIG));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("scanScheduledOutcome finds the minute stepping activates or cancels at", () => {
    fc.assert(
      fc.property(
        rowShape,
        pricePath(1, 100),
        fc.nat(10),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 60 }),
        (shape, prices, from, firstMinute, awaitMinutes) => {
          const signal: IScheduledSignalRow = scheduledRow(shape);
          const runConfig = { ...DEFAULT_CONFIG, CC_SCHEDULE_AWAIT_MINUTES: awaitMinutes };
          const start = Math.min(from, prices.length);
          expect(
            scanScheduledOutcome(signal, prices, start, prices.length, at(firstMinute), MINUTE_MS, runConfig),
          ).toBe(stepIndex({ status: "scheduled", signal }, prices, start, firstMinute, runConfig));
        },
      ),
      { numRuns: 400 },
    );
  });
});
