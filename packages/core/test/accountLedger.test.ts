import { accountLedger, BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { MINUTE, T0 } from "./closedFactory";
import { COSTS, moneyTrade } from "./moneyFixtures";

const HOUR = 60 * MINUTE;

describe("accountLedger: hand-computed, balance 1000, fee 0.1 %, slippage 0.1 %", () => {
  // A: BTCUSDT long 100 → 102, unsized, stake 100, open T0, close T0 + 2 h:
  //    net 1.5944075924, fees 0.2017962038 (see tradeMoney.test.ts)
  // B: ETHUSDT short 2000 → 1980, sized 200, open T0 + 1 h, close T0 + 3 h:
  //    net 1.2052072072, fees 0.3983963964
  // C: BTCUSDT long 102 → 100.98, unsized, stake 150, open T0 + 2 h, close T0 + 3 h (B's close time):
  //    open' = 102.102, close' = 100.87902, quantity = 150 / 102.102 = 1.4691191162
  //    value out = 148.2032967033; gross = 150 · 100.98 / 102 − 150 = −1.5
  //    slippage = −1.5 − (148.2032967033 − 150) = 0.2967032967; fees = 0.15 + 0.1482032967 = 0.2982032967
  //    net = −1.5 − 0.2967032967 − 0.2982032967 = −2.0949065934
  // Order: A (closes first), then B and C close together: B opened earlier, so B, C.
  // Balances: 1000 + 1.5944075924 = 1001.5944075924; + 1.2052072072 = 1002.7996147996;
  //           − 2.0949065934 = 1000.7047082062.
  const tradeA = moneyTrade({ priceOpen: 100, priceClose: 102, openAt: T0, closeAt: T0 + 2 * HOUR });
  const tradeB = moneyTrade({
    position: "short",
    symbol: "ETHUSDT",
    priceOpen: 2000,
    priceClose: 1980,
    cost: 200,
    openAt: T0 + HOUR,
    closeAt: T0 + 3 * HOUR,
  });
  const tradeC = moneyTrade({
    priceOpen: 102,
    priceClose: 100.98,
    openAt: T0 + 2 * HOUR,
    closeAt: T0 + 3 * HOUR,
  });

  it("orders by close time then open time and carries the balance", () => {
    const ledger = accountLedger(
      [
        { closed: tradeC, stake: 150 },
        { closed: tradeB, stake: null },
        { closed: tradeA, stake: 100 },
      ],
      1000,
      COSTS,
    );
    expect(ledger.map((row) => row.signalId)).toEqual([tradeA.signal.id, tradeB.signal.id, tradeC.signal.id]);
    expect(ledger.map((row) => row.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "BTCUSDT"]);
    const expected = [
      { cost: 100, pnlCost: 1.5944075924, feeCost: 0.2017962038, balanceAfter: 1001.5944075924 },
      { cost: 200, pnlCost: 1.2052072072, feeCost: 0.3983963964, balanceAfter: 1002.7996147996 },
      { cost: 150, pnlCost: -2.0949065934, feeCost: 0.2982032967, balanceAfter: 1000.7047082062 },
    ];
    ledger.forEach((row, index) => {
      const want = expected[index]!;
      for (const key of ["cost", "pnlCost", "feeCost", "balanceAfter"] as const) {
        expect(row[key]).toBeCloseTo(want[key], 9);
      }
    });
    expect(ledger[0]).toMatchObject({
      strategyName: "alpha",
      openedAt: T0,
      closedAt: T0 + 2 * HOUR,
      sizedBy: "stake",
    });
    expect(ledger[2]!.slippageCost).toBeCloseTo(0.2967032967, 9);
    expect(ledger[2]!.pnlPercentage).toBeCloseTo(-1.3966043956, 9);
  });

  it("breaks a tie of close and open time by symbol", () => {
    const eth = moneyTrade({
      symbol: "ETHUSDT",
      priceOpen: 10,
      priceClose: 11,
      openAt: T0,
      closeAt: T0 + HOUR,
    });
    const ada = moneyTrade({
      symbol: "ADAUSDT",
      priceOpen: 1,
      priceClose: 0.9,
      openAt: T0,
      closeAt: T0 + HOUR,
    });
    const ledger = accountLedger(
      [
        { closed: eth, stake: 10 },
        { closed: ada, stake: 10 },
      ],
      500,
      COSTS,
    );
    expect(ledger.map((row) => row.symbol)).toEqual(["ADAUSDT", "ETHUSDT"]);
  });

  it("is empty for no trades", () => {
    expect(accountLedger([], 1000, COSTS)).toEqual([]);
  });

  it("rejects a bad balance, a missing stake (naming the trade) and a duplicate signal id", () => {
    const cases: Array<[() => unknown, string]> = [
      [() => accountLedger([], 0, COSTS), "initialBalance"],
      [() => accountLedger([], Number.POSITIVE_INFINITY, COSTS), "initialBalance"],
      [
        () =>
          accountLedger(
            [
              { closed: tradeB, stake: null },
              { closed: tradeA, stake: null },
            ],
            1000,
            COSTS,
          ),
        "trades[1].stake",
      ],
      [
        () =>
          accountLedger(
            [
              { closed: tradeA, stake: 1 },
              { closed: tradeA, stake: 1 },
            ],
            1000,
            COSTS,
          ),
        "trades[1].closed.signal.id",
      ],
      [
        () => accountLedger([{ closed: { ...tradeA, timestamp: Number.NaN }, stake: 1 }], 1000, COSTS),
        "trades[0].closed.timestamp",
      ],
    ];
    for (const [call, field] of cases) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(BtError.isInstance(error)).toBe(true);
        expect((error as BtError).code).toBe("VALIDATION");
        expect((error as BtError).field).toBe(field);
      }
    }
  });
});
