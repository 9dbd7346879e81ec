// Walk-forward folds, parameter importance and search-space parsing.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  gridSize,
  gridValues,
  parameterImportance,
  parseSearchSpace,
  walkForwardFolds,
} from "../src/index.ts";

const DAY = 86_400_000;

describe("walkForwardFolds", () => {
  it("rolling and anchored folds by hand: 10 days, 2 folds, 3-day train, 2-day test", () => {
    const base = { startMs: 0, endMs: 10 * DAY, folds: 2, trainMs: 3 * DAY, testMs: 2 * DAY };
    expect(walkForwardFolds({ ...base, mode: "rolling" })).toEqual([
      { index: 0, train: { startMs: 3 * DAY, endMs: 6 * DAY }, test: { startMs: 6 * DAY, endMs: 8 * DAY } },
      { index: 1, train: { startMs: 5 * DAY, endMs: 8 * DAY }, test: { startMs: 8 * DAY, endMs: 10 * DAY } },
    ]);
    expect(walkForwardFolds({ ...base, mode: "anchored" }).map((fold) => fold.train)).toEqual([
      { startMs: 3 * DAY, endMs: 6 * DAY },
      { startMs: 3 * DAY, endMs: 8 * DAY },
    ]);
  });

  it("derives missing lengths so the folds cover the span", () => {
    // Neither: test = span / (k + 4) = 10 / 5 = 2 days, train = 8 days... with k = 1 the span is 10 = 8 + 2.
    expect(walkForwardFolds({ startMs: 0, endMs: 10 * DAY, folds: 1, mode: "rolling" })).toEqual([
      { index: 0, train: { startMs: 0, endMs: 8 * DAY }, test: { startMs: 8 * DAY, endMs: 10 * DAY } },
    ]);
    // Only the test length: train = 10 − 3·2 = 4 days.
    const folds = walkForwardFolds({
      startMs: 0,
      endMs: 10 * DAY,
      folds: 3,
      testMs: 2 * DAY,
      mode: "anchored",
    });
    expect(folds[0]?.train).toEqual({ startMs: 0, endMs: 4 * DAY });
    expect(folds[2]?.test).toEqual({ startMs: 8 * DAY, endMs: 10 * DAY });
  });

  it("refuses folds that do not fit, naming the field and value", () => {
    expect(() => walkForwardFolds({ startMs: 0, endMs: DAY, folds: 0, mode: "rolling" })).toThrow(
      /folds must be a positive integer, got 0/,
    );
    expect(() =>
      walkForwardFolds({
        startMs: 0,
        endMs: 10 * DAY,
        folds: 3,
        trainMs: 5 * DAY,
        testMs: 2 * DAY,
        mode: "rolling",
      }),
    ).toThrow(/trainMs must be at most/);
    expect(() =>
      walkForwardFolds({ startMs: 0, endMs: DAY, folds: 1, mode: "sideways" as "rolling" }),
    ).toThrow(/mode must be/);
  });

  it("properties: test windows are consecutive, end at the frame's end, and no train window sees its test", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 10, max: 400 }),
        fc.constantFrom("rolling" as const, "anchored" as const),
        (folds, days, mode) => {
          const endMs = days * DAY;
          const result = walkForwardFolds({ startMs: 0, endMs, folds, mode });
          expect(result.length).toBe(folds);
          expect(result[folds - 1]?.test.endMs).toBe(endMs);
          result.forEach((fold, index) => {
            expect(fold.train.endMs).toBe(fold.test.startMs);
            expect(fold.train.startMs).toBeGreaterThanOrEqual(0);
            expect(fold.train.endMs).toBeGreaterThan(fold.train.startMs);
            if (index > 0) expect(fold.test.startMs).toBe(result[index - 1]?.test.endMs);
            expect(fold.test.startMs % 60_000).toBe(0);
          });
        },
      ),
    );
  });
});

describe("parameterImportance", () => {
  it("a parameter that explains everything has importance 1, one that explains nothing 0", () => {
    const space = parseSearchSpace({ a: [1, 2], b: [true, false] });
    const trials = [
      { params: { a: 1, b: true }, value: 0 },
      { params: { a: 1, b: false }, value: 0 },
      { params: { a: 2, b: true }, value: 10 },
      { params: { a: 2, b: false }, value: 10 },
      { params: { a: 2, b: false }, value: null },
    ];
    const [a, b] = parameterImportance(space, trials);
    expect(a).toMatchObject({
      name: "a",
      importance: 1,
      bins: [
        { label: "1", count: 2, meanValue: 0 },
        { label: "2", count: 2, meanValue: 10 },
      ],
    });
    expect(b).toMatchObject({ name: "b", importance: 0 });
    expect(parameterImportance(space, trials.slice(0, 3))[0]).toMatchObject({
      importance: null,
      reason: "3 scored trial(s), needs ≥ 4",
    });
  });

  it("numeric parameters fall into at most 10 quantile bins", () => {
    const space = parseSearchSpace({ x: { type: "float", low: 0, high: 100 } });
    const trials = Array.from({ length: 50 }, (_, i) => ({ params: { x: i * 2 }, value: i }));
    const [x] = parameterImportance(space, trials);
    expect(x?.bins.length).toBe(10);
    expect(x?.bins[0]).toMatchObject({ label: "0…8", count: 5, meanValue: 2 });
    expect(x?.importance).toBeGreaterThan(0.95);
  });
});

describe("parseSearchSpace", () => {
  it("accepts ranges, steps, log scales and choice lists", () => {
    const space = parseSearchSpace({
      fast: { type: "int", low: 2, high: 10, step: 2 },
      rate: { type: "float", low: 0.001, high: 1, log: true },
      side: ["long", "short"],
    });
    expect(gridValues(space.fast as never)).toEqual([2, 4, 6, 8, 10]);
    expect(gridValues(space.rate as never)).toBeNull();
    expect(gridSize(space)).toBeNull();
    expect(
      gridSize(parseSearchSpace({ a: [1, 2, 3], b: { type: "float", low: 0, high: 1, step: 0.25 } })),
    ).toBe(15);
  });

  it("names the bad field and value", () => {
    expect(() => parseSearchSpace({ fast: { type: "int", low: "x", high: 5 } })).toThrow(
      'space.fast.low must be an integer, got "x"',
    );
    expect(() => parseSearchSpace({ fast: { type: "int", low: 5, high: 5 } })).toThrow(
      /space\.fast\.high must be greater than low \(5\), got 5/,
    );
    expect(() => parseSearchSpace({ r: { type: "float", low: 0, high: 1, log: true } })).toThrow(
      /space\.r\.low must be > 0 with log: true, got 0/,
    );
    expect(() => parseSearchSpace({ s: [] })).toThrow(/space\.s\.choices must be a non-empty list/);
    expect(() => parseSearchSpace({ s: { type: "beta" } })).toThrow(
      /space\.s\.type must be "int", "float" or "categorical", got "beta"/,
    );
    expect(() => parseSearchSpace({})).toThrow(/space must be an object with at least one parameter/);
  });
});
