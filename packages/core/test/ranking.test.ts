import { computeStatistics, type IStatistics, type RunStatus, rankByMetric } from "@bt/core";
import { describe, expect, it } from "vitest";
import { closedSeries } from "./closedFactory";

const entry = (name: string, returns: number[], status: RunStatus = "ok") => ({
  name,
  status,
  stats: computeStatistics(closedSeries(returns)) as IStatistics | null,
});

describe("rankByMetric", () => {
  const steady = entry("steady", [1, 1.2, 0.8]); // total 3, drawdown 0
  const volatile = entry("volatile", [5, -3, 4]); // total 6, drawdown 3
  const empty = entry("empty", []); // everything null, total 0
  const loser = entry("loser", [-1, -2]); // total −3, drawdown ≈ 2.98

  it("orders descending by default and puts nulls last", () => {
    expect(rankByMetric([empty, steady, loser, volatile], "totalPnl").map((e) => e.name)).toEqual([
      "volatile",
      "steady",
      "empty",
      "loser",
    ]);
    expect(rankByMetric([empty, loser, steady, volatile], "sharpeRatio").map((e) => e.name)).toEqual([
      "steady",
      "volatile",
      "loser",
      "empty",
    ]);
  });

  it("orders maxDrawdown ascending, nulls still last", () => {
    expect(rankByMetric([empty, loser, volatile, steady], "maxDrawdown").map((e) => e.name)).toEqual([
      "steady",
      "loser",
      "volatile",
      "empty",
    ]);
  });

  it("keeps the input order of ties and does not mutate the input", () => {
    const twin = entry("twin", [1, 1.2, 0.8]);
    const input = [twin, volatile, steady];
    expect(rankByMetric(input, "totalPnl").map((e) => e.name)).toEqual(["volatile", "twin", "steady"]);
    expect(rankByMetric([steady, volatile, twin], "totalPnl").map((e) => e.name)).toEqual([
      "volatile",
      "steady",
      "twin",
    ]);
    expect(input.map((e) => e.name)).toEqual(["twin", "volatile", "steady"]);
  });

  it("never ranks a failed run above a working one, even with a better value", () => {
    // A failed run whose stats (from the trades before it failed) look great still ranks last.
    const failedStar = entry("failed-star", [9, 9, 8], "failed");
    const noStats = { name: "no-stats", status: "ok" as const, stats: null };
    const ranked = rankByMetric([failedStar, noStats, empty, loser], "totalPnl");
    expect(ranked.map((e) => e.name)).toEqual(["empty", "loser", "failed-star", "no-stats"]);
    expect(rankByMetric([failedStar, empty], "sharpeRatio").map((e) => e.name)).toEqual([
      "empty",
      "failed-star",
    ]);
  });

  it("takes the status from a mapper, e.g. the engine's `error` field", () => {
    const results = [
      { strategyName: "boom", stats: null, error: new Error("boom") },
      { strategyName: "ok", stats: steady.stats, error: null },
    ];
    const ranked = rankByMetric(results, "sharpeRatio", (result) => ({
      stats: result.stats,
      status: result.error === null ? "ok" : "failed",
    }));
    expect(ranked.map((result) => result.strategyName)).toEqual(["ok", "boom"]);
    expect(ranked[0]).toBe(results[1]);
  });
});
