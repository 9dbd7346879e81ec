import { BtError, tradeMoney } from "@bt/core";
import { describe, expect, it } from "vitest";
import { COSTS, moneyTrade } from "./moneyFixtures";

/** Relative closeness: |actual − expected| ≤ 1e-9 · max(1, |expected|). */
function near(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe("tradeMoney: hand-computed (fee 0.1 %, slippage 0.1 % per side)", () => {
  it("an unsized long sized by a stake of 100: 100 → 102", () => {
    // open' = 100 · 1.001 = 100.1, close' = 102 · 0.999 = 101.898, quantity = 100 / 100.1 = 0.999000999
    // value out = 0.999000999 · 101.898 = 101.7962037962
    // gross = 100 · 102 / 100 − 100 = 2; after slippage = 101.7962037962 − 100 = 1.7962037962
    // slippage = 2 − 1.7962037962 = 0.2037962038
    // fees = 100 · 0.001 + 101.7962037962 · 0.001 = 0.1 + 0.1017962038 = 0.2017962038
    // net = 2 − 0.2037962038 − 0.2017962038 = 1.5944075924 (= computePnlPercent 1.5944075924 % of 100)
    const money = tradeMoney(moneyTrade({ priceOpen: 100, priceClose: 102 }), 100, COSTS);
    expect(money.sizedBy).toBe("stake");
    near(money.cost, 100);
    near(money.pnlCost, 1.5944075924);
    near(money.grossPnlCost, 2);
    near(money.slippageCost, 0.2037962038);
    near(money.feeCost, 0.2017962038);
    expect(money.unavailable).toEqual({});
  });

  it("a sized short of cost 200: 2000 → 1980", () => {
    // open' = 2000 · 0.999 = 1998, close' = 1980 · 1.001 = 1981.98, quantity = 200 / 1998 = 0.1001001001
    // value out = 0.1001001001 · 1981.98 = 198.3963963964
    // gross = 200 − 200 · 1980 / 2000 = 2; after slippage = 200 − 198.3963963964 = 1.6036036036
    // slippage = 2 − 1.6036036036 = 0.3963963964; fees = 0.2 + 0.1983963964 = 0.3983963964
    // net = 1.6036036036 − 0.3983963964 = 1.2052072072 (0.6026036036 % of 200)
    const closed = moneyTrade({ position: "short", priceOpen: 2000, priceClose: 1980, cost: 200 });
    const money = tradeMoney(closed, null, COSTS);
    expect(money.sizedBy).toBe("signal");
    near(money.cost, 200);
    expect(money.pnlCost).toBe(closed.pnl.pnlCost);
    near(money.pnlCost, 1.2052072072);
    near(money.grossPnlCost, 2);
    near(money.slippageCost, 0.3963963964);
    near(money.feeCost, 0.3983963964);
    // A stake equal to the signal's own cost is accepted.
    expect(tradeMoney(closed, 200, COSTS).pnlCost).toBe(money.pnlCost);
  });

  it("a DCA entry and a partial exit: the fees of every fill, stake 50 for the first entry", () => {
    // Fills (units of the first entry): entry 100 × 1, entry 95 × 1 (DCA), exit ½ at 105, rest closes at 110.
    // Stake 50 → each entry costs 50, cost = 100.
    // quantity = 50 / (100 · 1.001) + 50 / (95 · 1.001) = 0.4995004995 + 0.5257899995 = 1.0252904990
    // exit ½ at 105 · 0.999 = 104.895: value 0.5126452495 · 104.895 = 53.7739234450
    // rest at 110 · 0.999 = 109.89: value 0.5126452495 · 109.89 = 56.3345864662
    // fees = 50 · 0.001 + 50 · 0.001 + 53.7739234450 · 0.001 + 56.3345864662 · 0.001 = 0.2101085099
    // gross (no slippage): quantity 0.5 + 0.5263157895 = 1.0263157895; ½ · 105 + ½ · 110 per unit:
    //   0.5131578947 · 105 + 0.5131578947 · 110 − 100 = 10.3289473684
    // after slippage = 53.7739234450 + 56.3345864662 − 100 = 10.1085099112
    // slippage = 10.3289473684 − 10.1085099112 = 0.2204374573
    // net = 10.1085099112 − 0.2101085099 = 9.8984014012 (pnlPercentage 9.8984014012 % of 100)
    const closed = moneyTrade({
      priceOpen: 100,
      priceClose: 110,
      moreFills: [
        { kind: "entry", price: 95, cost: 1, at: 1, source: "dca_ladder" },
        { kind: "exit", price: 105, fraction: 0.5, at: 2, reason: "take_profit_ladder" },
      ],
    });
    near(closed.pnl.pnlPercentage, 9.8984014012);
    const money = tradeMoney(closed, 50, COSTS);
    near(money.cost, 100);
    near(money.pnlCost, 9.8984014012);
    near(money.feeCost, 0.2101085099);
    near(money.slippageCost, 0.2204374573);
    near(money.grossPnlCost, 10.3289473684);
  });

  it("a pnl that its fills and the costs do not reproduce has no split, with the reason", () => {
    // Priced at fee 0.2 % but split at 0.1 %: the fees cannot be told honestly.
    const closed = moneyTrade({
      priceOpen: 100,
      priceClose: 102,
      costs: { feePercent: 0.2, slippagePercent: 0.1 },
    });
    const money = tradeMoney(closed, 100, COSTS);
    near(money.pnlCost, closed.pnl.pnlPercentage);
    expect(money.feeCost).toBeNull();
    expect(money.slippageCost).toBeNull();
    expect(money.grossPnlCost).toBeNull();
    expect(money.unavailable.feeCost).toMatch(/is not its fills at fee 0.1 % and slippage 0.1 %/);
  });

  it("rejects an unsized trade without stake, a bad stake and a stake beside a signal's own cost", () => {
    const unsized = moneyTrade({ priceOpen: 100, priceClose: 101 });
    const sized = moneyTrade({ priceOpen: 100, priceClose: 101, cost: 80 });
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => tradeMoney(unsized, null, COSTS), "stake", /is unsized .* no stake was given/],
      [() => tradeMoney(unsized, 0, COSTS), "stake", /finite number > 0, got 0/],
      [() => tradeMoney(unsized, Number.NaN, COSTS), "stake", /got NaN/],
      [() => tradeMoney(sized, 100, COSTS), "stake", /is sized \(cost 80\) but was given stake 100/],
      [() => tradeMoney(unsized, 10, { feePercent: -1, slippagePercent: 0 }), "costs.feePercent", /≥ 0/],
      [
        () => tradeMoney({ ...sized, pnl: { ...sized.pnl, pnlCost: null } }, null, COSTS),
        "closed.pnl.pnlCost",
        /sized signal .* has pnlCost null/,
      ],
    ];
    for (const [call, field, message] of cases) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(BtError.isInstance(error)).toBe(true);
        expect((error as BtError).code).toBe("VALIDATION");
        expect((error as BtError).field).toBe(field);
        expect((error as BtError).message).toMatch(message);
      }
    }
  });
});
