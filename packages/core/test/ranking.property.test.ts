import {
  computeStatistics,
  type IStatistics,
  isLowerBetter,
  type RunStatus,
  rankByMetric,
  WALKER_METRICS,
} from "@bt/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedSeries } from "./closedFactory";

interface IEntry {
  index: number;
  status: RunStatus;
  stats: IStatistics | null;
}

/** Entries from small integer return lists (many ties), some failed, some without stats. */
const entriesArb = fc
  .array(
    fc.record({
      returns: fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 6 }),
      status: fc.constantFrom<RunStatus>("ok", "ok", "ok", "failed"),
      hasStats: fc.integer({ min: 0, max: 9 }).map((value) => value > 0),
    }),
    { maxLength: 10 },
  )
  .map((list) =>
    list.map(
      (item, index): IEntry => ({
        index,
        status: item.status,
        stats: item.hasStats ? computeStatistics(closedSeries(item.returns)) : null,
      }),
    ),
  );

const metricArb = fc.constantFrom(...WALKER_METRICS);

/** 0 ok with a value, 1 ok with a null metric, 2 failed or without stats. */
function tier(entry: IEntry, metric: (typeof WALKER_METRICS)[number]): number {
  if (entry.status === "failed" || entry.stats === null) return 2;
  return entry.stats[metric] === null ? 1 : 0;
}

describe("rankByMetric properties", () => {
  it("is a permutation ordered by tier, then best first, then input order", () => {
    fc.assert(
      fc.property(entriesArb, metricArb, (entries, metric) => {
        const ranked = rankByMetric(entries, metric);
        expect([...ranked].map((entry) => entry.index).sort((a, b) => a - b)).toEqual(
          entries.map((entry) => entry.index),
        );
        for (let position = 1; position < ranked.length; position++) {
          const previous = ranked[position - 1]!;
          const current = ranked[position]!;
          const left = tier(previous, metric);
          const right = tier(current, metric);
          expect(left).toBeLessThanOrEqual(right);
          if (left !== right) continue;
          if (left === 0) {
            const a = previous.stats![metric]!;
            const b = current.stats![metric]!;
            if (isLowerBetter(metric)) expect(a).toBeLessThanOrEqual(b);
            else expect(a).toBeGreaterThanOrEqual(b);
            if (a !== b) continue;
          }
          expect(previous.index).toBeLessThan(current.index);
        }
      }),
    );
  });

  it("never ranks a failed entry above an ok one", () => {
    fc.assert(
      fc.property(entriesArb, metricArb, (entries, metric) => {
        const ranked = rankByMetric(entries, metric);
        const firstFailed = ranked.findIndex((entry) => entry.status === "failed");
        if (firstFailed < 0) return;
        for (const entry of ranked.slice(firstFailed)) {
          expect(entry.status === "failed" || entry.stats === null).toBe(true);
        }
      }),
    );
  });

  it("maxDrawdown ranks ascending", () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const values = rankByMetric(entries, "maxDrawdown")
          .filter((entry) => tier(entry, "maxDrawdown") === 0)
          .map((entry) => entry.stats!.maxDrawdown!);
        expect(values).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it("is permutation-invariant up to ties: shuffling the input gives the same sequence of tiers and values", () => {
    fc.assert(
      fc.property(
        entriesArb.chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length })),
        ),
        metricArb,
        ([entries, shuffled], metric) => {
          const key = (entry: IEntry) => [
            tier(entry, metric),
            tier(entry, metric) === 0 ? entry.stats![metric] : null,
          ];
          expect(rankByMetric(shuffled, metric).map(key)).toEqual(rankByMetric(entries, metric).map(key));
          // Within one tier-and-value class the order is the input order of the shuffled list.
          const ranked = rankByMetric(shuffled, metric);
          const positionInInput = new Map(shuffled.map((entry, position) => [entry, position]));
          for (let position = 1; position < ranked.length; position++) {
            const previous = ranked[position - 1]!;
            const current = ranked[position]!;
            if (JSON.stringify(key(previous)) === JSON.stringify(key(current))) {
              expect(positionInInput.get(previous)!).toBeLessThan(positionInInput.get(current)!);
            }
          }
        },
      ),
    );
  });
});
