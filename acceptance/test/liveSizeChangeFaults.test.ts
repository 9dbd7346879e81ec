// Live fault injection on size changes (issue 17, position management), on real stores like
// liveFaults.test.ts: @bt/persist-fs (temp dir), @bt/persist-redis (a key prefix unique to this file) and
// @bt/persist-postgres (schemas unique to this file). Two strategies of src/faultScenario.ts change the
// position's size on the price ramp: "ladder" (a long taking two partial profits, index 1 and 2) and
// "dca" (a short adding two entries as the ramp rises against it). Faults on IBroker.changePosition:
// an outage of 1 and 15 minutes (a retryable BROKER error), a garbage fill (NaN price), and an answer
// that never comes (TIMEOUT). Each case runs on a store of its own and is compared with the
// uninterrupted run of the same strategy on the same adapter. Only this file's stores are removed.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientOrderId, type IBrokerFill, type PositionFill } from "@bt/core";
import { afterAll, describe, expect, it } from "vitest";
import { crashPostgresUrl } from "../src/crashSettings";
import {
  changeFaultBroker,
  type IRunOptions,
  MINUTE_MS,
  never,
  rampCandles,
  runFaultScenario,
  type StrategyKind,
  SYMBOL,
  storedOutcome,
  T0,
  unavailable,
} from "../src/faultScenario";
import {
  fsFaultAdapter,
  type IFaultAdapter,
  type IFaultStore,
  postgresFaultAdapter,
  redisFaultAdapter,
} from "../src/faultStores";

const root = mkdtempSync(join(tmpdir(), "bt-live-size-faults-"));
const stamp = `${process.pid}_${Date.now().toString(36)}`;
const adapters: IFaultAdapter[] = [
  fsFaultAdapter(root),
  redisFaultAdapter(
    process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379",
    `bt-test:live-size-faults:${stamp}`,
  ),
  postgresFaultAdapter(crashPostgresUrl(), `bt_test_live_size_faults_${stamp}`),
];

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.cleanup()));
  rmSync(root, { recursive: true, force: true });
});

const VENUE_DOWN = "venue: 503 service unavailable";
const TIMEOUT_MS = 150;
type SizeKind = Extract<StrategyKind, "ladder" | "dca">;
type Outcome = Awaited<ReturnType<typeof storedOutcome>>;

/** The client order ids of the fills after the open (add / reduce by fill index). */
const changeIds = (signalId: string, fills: ReadonlyArray<PositionFill>) =>
  fills.flatMap((fill, index) =>
    index === 0 ? [] : [clientOrderId(signalId, { kind: fill.kind === "entry" ? "add" : "reduce", index })],
  );

/** Exactly one order per client order id, and per signal one per fill plus its close. */
function expectOneOrderPerLeg(outcome: Outcome): void {
  const ids = outcome.orders.map((order) => order.clientOrderId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const trade of outcome.closedFills) {
    const expected = [
      clientOrderId(trade.id, "open"),
      ...changeIds(trade.id, trade.fills),
      clientOrderId(trade.id, "close"),
    ].sort();
    const actual = outcome.orders
      .filter((order) => order.signalId === trade.id)
      .map((order) => order.clientOrderId)
      .sort();
    expect(actual).toEqual(expected);
  }
}

/** Every fill's executed price is the broker's fill price of its order (the model price when unusable). */
function executedPrices(outcome: Outcome): Array<[string, number | undefined, number | undefined]> {
  return outcome.closedFills.flatMap((trade) =>
    trade.fills.map((fill, index): [string, number | undefined, number | undefined] => {
      const id =
        index === 0
          ? clientOrderId(trade.id, "open")
          : clientOrderId(trade.id, { kind: fill.kind === "entry" ? "add" : "reduce", index });
      const order = outcome.orders.find((candidate) => candidate.clientOrderId === id);
      return [id, fill.executedPrice, order?.price];
    }),
  );
}

describe.each(adapters)("live size-change faults on $name", (adapter) => {
  let stores = 0;
  const freshStore = (label: string): IFaultStore => adapter.store(`${label}_${stores++}`);
  const runOnFreshStore = async (label: string, options: IRunOptions & { kind: SizeKind }) => {
    const store = freshStore(label);
    const run = await runFaultScenario(store, options);
    return { store, run, outcome: await storedOutcome(store, options.kind) };
  };
  const references = new Map<SizeKind, ReturnType<typeof runOnFreshStore>>();
  const reference = (kind: SizeKind) => {
    let found = references.get(kind);
    if (found === undefined) {
      found = runOnFreshStore(`ref_${kind}`, { kind });
      references.set(kind, found);
    }
    return found;
  };
  /** When the uninterrupted run decided its first size change (fills[1].at), epoch ms. */
  const firstChangeAt = async (kind: SizeKind) => {
    const at = (await reference(kind)).outcome.closedFills[0]?.fills[1]?.at;
    expect(at).toBeDefined();
    return at as number;
  };

  it("the uninterrupted runs: two partial exits (ladder) and two added entries (dca), each its own broker order", async () => {
    const ladder = await reference("ladder");
    expect(ladder.run.errors).toEqual([]);
    const [ladderTrade] = ladder.outcome.closedFills;
    expect(ladder.outcome.closedFills).toHaveLength(1);
    expect(ladderTrade?.reason).toBe("time_expired");
    expect(ladderTrade?.fills.map((fill) => (fill.kind === "exit" ? fill.fraction : fill.source))).toEqual([
      "open",
      0.5,
      0.5,
    ]);
    // The live price is the VWAP of the 5 candles before the tick (100 + 0.1 (m − 2) on the ramp): 100.5
    // at minute 7, 101 at minute 12.
    expect(ladderTrade?.fills.map((fill) => fill.at)).toEqual([T0, T0 + 7 * MINUTE_MS, T0 + 12 * MINUTE_MS]);
    expect(ladder.outcome.orders.map((order) => order.leg)).toEqual(["open", "reduce", "reduce", "close"]);
    expectOneOrderPerLeg(ladder.outcome);
    for (const [id, executed, filled] of executedPrices(ladder.outcome))
      expect({ id, executed }).toEqual({ id, executed: filled });

    const dca = await reference("dca");
    expect(dca.run.errors).toEqual([]);
    const [dcaTrade] = dca.outcome.closedFills;
    expect(dcaTrade?.reason).toBe("stop_loss");
    expect(
      dcaTrade?.fills.map((fill) => (fill.kind === "entry" ? [fill.source, fill.cost] : fill.kind)),
    ).toEqual([
      ["open", 1_000],
      ["dca_ladder", 1_000],
      ["dca_ladder", 1_500],
    ]);
    // 100.3 at minute 5, 100.8 at minute 10; the stop loss 101.5 at minute 17.
    expect(dcaTrade?.fills.map((fill) => fill.at)).toEqual([T0, T0 + 5 * MINUTE_MS, T0 + 10 * MINUTE_MS]);
    expect(dcaTrade?.closedAt).toBe(T0 + 17 * MINUTE_MS);
    expect(dca.outcome.orders.map((order) => order.leg)).toEqual(["open", "add", "add", "close"]);
    expectOneOrderPerLeg(dca.outcome);
    for (const [id, executed, filled] of executedPrices(dca.outcome))
      expect({ id, executed }).toEqual({ id, executed: filled });
  });

  /** A closed trade's model fills and times, without the broker's executed prices and the PnL from them. */
  const withoutMoney = (trade: Outcome["closedFills"][number]) => ({
    ...trade,
    pnlPercentage: 0,
    fills: trade.fills.map(({ executedPrice: _executed, ...fill }) => fill),
  });

  describe.each(["ladder", "dca"] as const)("broker outage on a size change (%s)", (kind) => {
    const outage = (until: number) =>
      changeFaultBroker((send, now) => (now < until ? Promise.reject(unavailable()) : send()));

    it("1 minute: retried under the same client order id, filled once a minute later; the uninterrupted trade", async () => {
      const expected = (await reference(kind)).outcome;
      const until = (await firstChangeAt(kind)) + MINUTE_MS;
      const { run, outcome } = await runOnFreshStore(`${kind}out1`, { kind, wrap: outage(until) });
      expect(run.failure).toBeUndefined();
      expect(run.errors).toEqual([
        { message: VENUE_DOWN, code: "BROKER", source: "Live.commit", willRetry: true },
      ]);
      // The model's fills (price, time, cost / fraction) are the reference's; the retried change was sent
      // at the next tick's price, so its executed price (and the PnL) differ a little.
      expect(outcome.closedFills.map(withoutMoney)).toEqual(expected.closedFills.map(withoutMoney));
      expectOneOrderPerLeg(outcome);
      const [change] = outcome.orders.filter((order) => order.leg !== "open" && order.leg !== "close");
      expect(change).toMatchObject({ filledAt: until, requestCount: 1 });
      // The other orders are the reference's.
      // (A close's quantity follows what the retried change bought at its price.)
      const others = (orders: Outcome["orders"]) =>
        orders
          .filter((order) => order.clientOrderId !== change?.clientOrderId)
          .map(({ quantity: _quantity, ...order }) => order);
      expect(others(outcome.orders)).toEqual(others(expected.orders));
    });

    it("15 minutes: one willRetry error per tick, then filled once under the same id; the position stays managed to its exit", async () => {
      const expected = (await reference(kind)).outcome;
      const [expectedTrade] = expected.closedFills;
      const decidedAt = await firstChangeAt(kind);
      const until = decidedAt + 15 * MINUTE_MS;
      const { run, outcome } = await runOnFreshStore(`${kind}out15`, { kind, wrap: outage(until) });
      expect(run.failure).toBeUndefined();
      const outageErrors = run.errors.filter((error) => error.source === "Live.commit");
      expect(outageErrors.every((error) => error.message === VENUE_DOWN && error.willRetry === true)).toBe(
        true,
      );
      expectOneOrderPerLeg(outcome);
      expect(outcome.orders.every((order) => order.requestCount === 1)).toBe(true);
      const [trade] = outcome.closedFills;
      expect(outcome.closedFills).toHaveLength(1);
      expect(outcome.position).toBeNull();
      for (const [id, executed, filled] of executedPrices(outcome))
        expect({ id, executed }).toEqual({ id, executed: filled });
      if (kind === "ladder") {
        // 15 ticks of the outage, then the change fills; managed after it: the second level (crossed
        // meanwhile) is taken at its level price, and the rest expires as in the reference.
        expect(outageErrors).toHaveLength(15);
        // The first change keeps the model's decision (its level price and time): the rules measure from it.
        expect(trade?.fills[1]).toMatchObject({ price: expectedTrade?.fills[1]?.price, at: decidedAt });
        const firstChange = outcome.orders.find((order) => order.leg !== "open" && order.leg !== "close");
        expect(firstChange?.filledAt).toBe(until);
        expect(trade?.fills.map((fill) => fill.price)).toEqual(
          expectedTrade?.fills.map((fill) => fill.price),
        );
        expect(trade).toMatchObject({ reason: "time_expired", closedAt: expectedTrade?.closedAt });
      } else {
        // The stop loss (101.5) is crossed at minute 17, inside the outage: the exit wins over the retried
        // entry, which is dropped (reported), and the position closes at that minute.
        expect(trade?.fills.map((fill) => fill.kind)).toEqual(["entry"]);
        expect(trade).toMatchObject({ reason: "stop_loss", closedAt: T0 + 17 * MINUTE_MS });
        expect(run.errors.filter((error) => error.source === "Live.change")).toHaveLength(1);
      }
    });
  });

  // A size change retried at a later tick is sent at the current price, as a retried open or close is
  // (the model's fill stays in the fills): never filled at a price the market left.
  it.each(["ladder", "dca"] as const)(
    "%s, 5-minute outage: the retried change is sent at the current price (like a retried close)",
    async (kind) => {
      // 5 minutes: the dca short's stop loss (minute 17) is not crossed meanwhile.
      const until = (await firstChangeAt(kind)) + 5 * MINUTE_MS;
      const { outcome } = await runOnFreshStore(`${kind}stale`, {
        kind,
        wrap: changeFaultBroker((send, now) => (now < until ? Promise.reject(unavailable()) : send())),
      });
      const change = outcome.orders.find((order) => order.leg !== "open" && order.leg !== "close");
      expect(change?.filledAt).toBe(until);
      // The live price at `until`: the VWAP of the 5 candles before it (volume 1 each: their mean close).
      const before = rampCandles().filter(
        (candle) => candle.timestamp < until && candle.timestamp >= until - 5 * MINUTE_MS,
      );
      const market = before.reduce((sum, candle) => sum + candle.close, 0) / before.length;
      expect(change?.requestedPrice).toBeCloseTo(market, 6);
    },
  );

  // While a size change is retried the position's exits are still checked: a stop loss crossed during the
  // outage closes the position at that minute and the change is dropped (the close closes what is held).
  it("dca, 15-minute outage: a stop loss crossed while the DCA entry is retried closes at the minute it was crossed", async () => {
    const expected = (await reference("dca")).outcome;
    const until = (await firstChangeAt("dca")) + 15 * MINUTE_MS;
    const { outcome } = await runOnFreshStore("dcastop", {
      kind: "dca",
      wrap: changeFaultBroker((send, now) => (now < until ? Promise.reject(unavailable()) : send())),
    });
    expect(outcome.closedFills[0]?.closedAt).toBe(expected.closedFills[0]?.closedAt);
  });

  describe.each(["ladder", "dca"] as const)("garbage fill on a size change (%s)", (kind) => {
    const nanOnce = () =>
      changeFaultBroker(async (send, _now, attempt, change) => {
        const fill = await send();
        return attempt === 1 && change.index === 1 ? { ...fill, price: Number.NaN } : fill;
      });

    it("a NaN price once: recorded at the model's price, never sent again, no endless loop; the rest as uninterrupted", async () => {
      const expected = (await reference(kind)).outcome;
      const { run, outcome } = await runOnFreshStore(`${kind}nan`, { kind, wrap: nanOnce() });
      expect(run.failure).toBeUndefined();
      // No retry loop: the run ends with the uninterrupted orders (each requested once).
      expect(run.errors.length).toBeLessThan(3);
      expect(outcome.orders).toEqual(expected.orders);
      expectOneOrderPerLeg(outcome);
      const [trade] = outcome.closedFills;
      const [expectedTrade] = expected.closedFills;
      // The damaged fill carries the model's price as its executed price; every other fill the reference's.
      expect(trade?.fills[1]?.executedPrice).toBe(trade?.fills[1]?.price);
      const withoutExecuted = (fills: ReadonlyArray<PositionFill> | undefined) =>
        fills?.map((fill, index) => (index === 1 ? { ...fill, executedPrice: undefined } : fill));
      expect(withoutExecuted(trade?.fills)).toEqual(withoutExecuted(expectedTrade?.fills));
      expect(trade).toMatchObject({
        reason: expectedTrade?.reason,
        openedAt: expectedTrade?.openedAt,
        closedAt: expectedTrade?.closedAt,
      });
      // The pnl is computed from executed prices: that fill at the model's price lacks its slippage (0.1 %
      // of its share of the position), so the pnl differs by less than the slippage percent.
      const difference = Math.abs((trade?.pnlPercentage ?? 0) - (expectedTrade?.pnlPercentage ?? 0));
      expect(difference).toBeGreaterThan(0);
      expect(difference).toBeLessThan(0.1);
    });

    // An unusable size-change fill is reported (Live.fill), recorded at the model's price.
    it("a NaN price once: reported (a Live.fill error event and in the live report)", async () => {
      const { run } = await runOnFreshStore(`${kind}nanreport`, { kind, wrap: nanOnce() });
      expect(run.errors).toEqual([
        expect.objectContaining({ source: "Live.fill", code: "BROKER", willRetry: false }),
      ]);
      expect(run.errors[0]?.message).toContain("unusable");
      expect(run.engine.Live.getReport(SYMBOL, kind)).toContain("unusable");
    });
  });

  describe.each(["ladder", "dca"] as const)("hung size change (%s)", (kind) => {
    it("the answer never comes: TIMEOUT (retryable), found by client order id, never sent twice; the uninterrupted trade", async () => {
      const expected = (await reference(kind)).outcome;
      let sent = 0;
      const { run, outcome } = await runOnFreshStore(`${kind}hung`, {
        kind,
        config: { CC_BROKER_TIMEOUT_MS: TIMEOUT_MS },
        // The first change reaches the venue (the paper book fills it) but its answer never comes back.
        wrap: changeFaultBroker(async (send, _now, attempt, change) => {
          sent++;
          const fill = await send();
          return attempt === 1 && change.index === 1 ? never<IBrokerFill>() : fill;
        }),
      });
      expect(run.failure).toBeUndefined();
      expect(run.errors).toEqual([
        expect.objectContaining({ code: "TIMEOUT", source: "Live.commit", willRetry: true }),
      ]);
      expect(run.errors[0]?.message).toMatch(/did not settle within 150 ms/);
      // Two changes, each sent once: the timed-out one was looked up (orderState), not sent again.
      expect(sent).toBe(2);
      expect(outcome.orders).toEqual(expected.orders);
      expect(outcome.closedFills).toEqual(expected.closedFills);
      expectOneOrderPerLeg(outcome);
    });
  });
});
