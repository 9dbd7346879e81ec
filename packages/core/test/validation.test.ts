import { DEFAULT_CONFIG, type ISignalDto, type ISignalProblem, validateSignal } from "@bt/core";
import { describe, expect, it } from "vitest";

const LONG: ISignalDto = {
  position: "long",
  priceTakeProfit: 102,
  priceStopLoss: 98,
  minuteEstimatedTime: 60,
};
const SHORT: ISignalDto = {
  position: "short",
  priceTakeProfit: 98,
  priceStopLoss: 102,
  minuteEstimatedTime: 60,
};
const SCHEDULED_LONG: ISignalDto = { ...LONG, priceOpen: 99, priceTakeProfit: 101, priceStopLoss: 97 };
const SCHEDULED_SHORT: ISignalDto = { ...SHORT, priceOpen: 101, priceTakeProfit: 99, priceStopLoss: 103 };

/** Validates `signal` at price 100 (or `price`) with the default config; the value-free reasons are checked apart. */
function problemsOf(signal: unknown, price = 100): Array<Omit<ISignalProblem, "reason">> {
  return validateSignal(signal, price, DEFAULT_CONFIG).map(({ reason: _reason, ...problem }) => problem);
}

describe("validateSignal reasons", () => {
  it("name the rule without the values, so rejections of different prices count as one reason", () => {
    const wrongSide = (price: number) =>
      validateSignal(
        { ...LONG, priceTakeProfit: price * 0.99, priceStopLoss: price * 0.95 },
        price,
        DEFAULT_CONFIG,
      );
    const [first] = wrongSide(100);
    const [second] = wrongSide(123.45);
    expect(first?.message).not.toBe(second?.message);
    expect(first?.reason).toBe("priceTakeProfit must be above the current price for a long position");
    expect(second?.reason).toBe(first?.reason);
    const tooClose = validateSignal({ ...LONG, priceTakeProfit: 100.1 }, 100, DEFAULT_CONFIG);
    expect(tooClose.map((problem) => problem.reason)).toEqual([
      "priceTakeProfit closer to the current price than CC_MIN_TAKEPROFIT_DISTANCE_PERCENT (0.5%)",
    ]);
    for (const problem of [...wrongSide(100), ...tooClose]) expect(problem.reason).not.toMatch(/\d\.\d{2}/);
  });
});

describe("validateSignal accepts", () => {
  it.each([
    ["an immediate long", LONG],
    ["an immediate short", SHORT],
    ["a scheduled long", SCHEDULED_LONG],
    ["a scheduled short", SCHEDULED_SHORT],
    ["a note and a cost", { ...LONG, note: "breakout", cost: 100 }],
    ["the maximum lifetime 1440", { ...LONG, minuteEstimatedTime: 1440 }],
  ])("%s", (_name, signal) => {
    expect(problemsOf(signal)).toEqual([]);
  });

  // Fixed bug: the distances were compared in raw floating point, so a level typed exactly at a limit
  // (101 → 101.505 is 0.5 %, computed as 0.49999999999999556 %) was rejected although the limits are inclusive.
  it.each([
    ["TP exactly 0.5 % above 101", { ...LONG, priceTakeProfit: 101.505 }, 101],
    ["SL exactly 0.5 % below 13", { ...LONG, priceTakeProfit: 14, priceStopLoss: 12.935 }, 13],
    [
      "SL exactly 0.5 % below 33 (short TP exactly 0.5 %)",
      { ...SHORT, priceTakeProfit: 32.835, priceStopLoss: 34 },
      33,
    ],
    ["SL exactly 20 % above 7 (short)", { ...SHORT, priceTakeProfit: 6, priceStopLoss: 8.4 }, 7],
    ["SL exactly 20 % below 101", { ...LONG, priceTakeProfit: 110, priceStopLoss: 80.8 }, 101],
  ])("a level exactly at a distance limit: %s", (_name, signal, price) => {
    expect(validateSignal(signal, price, DEFAULT_CONFIG)).toEqual([]);
  });
});

describe("validateSignal rejects with a precise message naming the field and the value", () => {
  it.each([
    [
      "NaN take profit",
      { ...LONG, priceTakeProfit: Number.NaN },
      "priceTakeProfit",
      Number.NaN,
      "priceTakeProfit must be a finite positive number, got NaN",
    ],
    [
      "Infinity stop loss",
      { ...LONG, priceStopLoss: Number.POSITIVE_INFINITY },
      "priceStopLoss",
      Number.POSITIVE_INFINITY,
      "priceStopLoss must be a finite positive number, got Infinity",
    ],
    [
      "negative priceOpen",
      { ...SCHEDULED_LONG, priceOpen: -5 },
      "priceOpen",
      -5,
      "priceOpen must be a finite positive number, got -5",
    ],
    [
      "zero take profit",
      { ...SHORT, priceTakeProfit: 0 },
      "priceTakeProfit",
      0,
      "priceTakeProfit must be a finite positive number, got 0",
    ],
    [
      "string stop loss",
      { ...LONG, priceStopLoss: "98" },
      "priceStopLoss",
      "98",
      'priceStopLoss must be a finite positive number, got "98"',
    ],
    [
      "null priceOpen",
      { ...LONG, priceOpen: null },
      "priceOpen",
      null,
      "priceOpen must be a finite positive number, got null",
    ],
    [
      "long TP below the open",
      { ...LONG, priceTakeProfit: 99 },
      "priceTakeProfit",
      99,
      "priceTakeProfit 99 must be above the current price 100 for a long position",
    ],
    [
      "long TP at the open",
      { ...LONG, priceTakeProfit: 100 },
      "priceTakeProfit",
      100,
      "priceTakeProfit 100 must be above the current price 100 for a long position",
    ],
    [
      "long SL above the open",
      { ...LONG, priceStopLoss: 101 },
      "priceStopLoss",
      101,
      "priceStopLoss 101 must be below the current price 100 for a long position",
    ],
    [
      "short TP above the open",
      { ...SHORT, priceTakeProfit: 101 },
      "priceTakeProfit",
      101,
      "priceTakeProfit 101 must be below the current price 100 for a short position",
    ],
    [
      "short SL below the open",
      { ...SHORT, priceStopLoss: 99 },
      "priceStopLoss",
      99,
      "priceStopLoss 99 must be above the current price 100 for a short position",
    ],
    [
      "scheduled long TP below priceOpen",
      { ...SCHEDULED_LONG, priceTakeProfit: 98 },
      "priceTakeProfit",
      98,
      "priceTakeProfit 98 must be above priceOpen 99 for a long position",
    ],
    [
      "too-close long TP",
      { ...LONG, priceTakeProfit: 100.3 },
      "priceTakeProfit",
      100.3,
      "priceTakeProfit 100.3 is 0.3% from the current price 100; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least 0.5%",
    ],
    [
      "too-close short TP",
      { ...SHORT, priceTakeProfit: 99.6 },
      "priceTakeProfit",
      99.6,
      "priceTakeProfit 99.6 is 0.4% from the current price 100; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least 0.5%",
    ],
    [
      "too-close long SL",
      { ...LONG, priceStopLoss: 99.8 },
      "priceStopLoss",
      99.8,
      "priceStopLoss 99.8 is 0.2% from the current price 100; CC_MIN_STOPLOSS_DISTANCE_PERCENT requires at least 0.5%",
    ],
    [
      "too-close short SL",
      { ...SHORT, priceStopLoss: 100.25 },
      "priceStopLoss",
      100.25,
      "priceStopLoss 100.25 is 0.25% from the current price 100; CC_MIN_STOPLOSS_DISTANCE_PERCENT requires at least 0.5%",
    ],
    [
      "too-far long SL",
      { ...LONG, priceStopLoss: 75 },
      "priceStopLoss",
      75,
      "priceStopLoss 75 is 25% from the current price 100; CC_MAX_STOPLOSS_DISTANCE_PERCENT allows at most 20%",
    ],
    [
      "too-far short SL",
      { ...SHORT, priceStopLoss: 121 },
      "priceStopLoss",
      121,
      "priceStopLoss 121 is 21% from the current price 100; CC_MAX_STOPLOSS_DISTANCE_PERCENT allows at most 20%",
    ],
    [
      "lifetime over the limit",
      { ...LONG, minuteEstimatedTime: 1441 },
      "minuteEstimatedTime",
      1441,
      "minuteEstimatedTime 1441 exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES (1440)",
    ],
    [
      "non-integer lifetime",
      { ...LONG, minuteEstimatedTime: 1.5 },
      "minuteEstimatedTime",
      1.5,
      "minuteEstimatedTime must be a positive integer of minutes, got 1.5",
    ],
    [
      "zero lifetime",
      { ...LONG, minuteEstimatedTime: 0 },
      "minuteEstimatedTime",
      0,
      "minuteEstimatedTime must be a positive integer of minutes, got 0",
    ],
    [
      "negative lifetime",
      { ...LONG, minuteEstimatedTime: -60 },
      "minuteEstimatedTime",
      -60,
      "minuteEstimatedTime must be a positive integer of minutes, got -60",
    ],
    [
      "missing lifetime",
      { ...LONG, minuteEstimatedTime: undefined },
      "minuteEstimatedTime",
      undefined,
      "minuteEstimatedTime must be a positive integer of minutes, got undefined",
    ],
    [
      "unknown position",
      { ...LONG, position: "buy" },
      "position",
      "buy",
      'position must be "long" or "short", got "buy"',
    ],
    [
      "missing position",
      { ...LONG, position: undefined },
      "position",
      undefined,
      'position must be "long" or "short", got undefined',
    ],
    ["zero cost", { ...LONG, cost: 0 }, "cost", 0, "cost must be a finite positive number when given, got 0"],
    [
      "negative cost",
      { ...LONG, cost: -10 },
      "cost",
      -10,
      "cost must be a finite positive number when given, got -10",
    ],
    [
      "NaN cost",
      { ...LONG, cost: Number.NaN },
      "cost",
      Number.NaN,
      "cost must be a finite positive number when given, got NaN",
    ],
    ["non-string note", { ...LONG, note: 42 }, "note", 42, "note must be a string when given, got 42"],
  ])("%s", (_name, signal, field, value, message) => {
    expect(problemsOf(signal)).toEqual([{ field, value, message }]);
  });

  it.each([
    [null, "signal must be an object, got null"],
    [undefined, "signal must be an object, got undefined"],
    ["long", 'signal must be an object, got "long"'],
    [42, "signal must be an object, got 42"],
    [[LONG], `signal must be an object, got ${JSON.stringify([LONG])}`],
  ])("a non-object signal %j", (signal, message) => {
    expect(problemsOf(signal)).toEqual([{ field: "signal", value: signal, message }]);
  });

  it("a non-finite current price is reported for an immediate signal", () => {
    expect(problemsOf(LONG, Number.NaN)).toEqual([
      {
        field: "currentPrice",
        value: Number.NaN,
        message: "current price must be a finite positive number, got NaN",
      },
    ]);
  });

  it("a scheduled long whose stop loss the current price has already crossed", () => {
    expect(problemsOf(SCHEDULED_LONG, 96)).toEqual([
      {
        field: "priceStopLoss",
        value: 97,
        message: "the current price 96 has already crossed priceStopLoss 97 of this scheduled long signal",
      },
    ]);
    // Exactly at the stop loss counts as crossed.
    expect(problemsOf(SCHEDULED_LONG, 97)).toHaveLength(1);
  });

  it("a scheduled short whose stop loss the current price has already crossed", () => {
    expect(problemsOf(SCHEDULED_SHORT, 104)).toEqual([
      {
        field: "priceStopLoss",
        value: 103,
        message: "the current price 104 has already crossed priceStopLoss 103 of this scheduled short signal",
      },
    ]);
  });

  it("limits follow the config passed in", () => {
    const config = {
      ...DEFAULT_CONFIG,
      CC_MIN_TAKEPROFIT_DISTANCE_PERCENT: 3,
      CC_MAX_SIGNAL_LIFETIME_MINUTES: 30,
    };
    expect(validateSignal(LONG, 100, config).map((problem) => problem.message)).toEqual([
      "minuteEstimatedTime 60 exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES (30)",
      "priceTakeProfit 102 is 2% from the current price 100; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least 3%",
    ]);
  });
});

describe("validateSignal returns every reason at once", () => {
  it("three field problems yield three problems", () => {
    const problems = problemsOf({
      ...LONG,
      position: "sideways",
      priceTakeProfit: Number.NaN,
      minuteEstimatedTime: 0,
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      "position",
      "priceTakeProfit",
      "minuteEstimatedTime",
    ]);
  });

  // Fixed bug: any field problem (lifetime, cost, note) used to stop validation before the TP/SL geometry,
  // so this signal reported only the lifetime.
  it("a bad lifetime does not hide TP/SL geometry problems", () => {
    expect(
      problemsOf({ ...LONG, priceTakeProfit: 99, priceStopLoss: 70, minuteEstimatedTime: 2000 }),
    ).toEqual([
      {
        field: "minuteEstimatedTime",
        value: 2000,
        message: "minuteEstimatedTime 2000 exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES (1440)",
      },
      {
        field: "priceTakeProfit",
        value: 99,
        message: "priceTakeProfit 99 must be above the current price 100 for a long position",
      },
      {
        field: "priceStopLoss",
        value: 70,
        message:
          "priceStopLoss 70 is 30% from the current price 100; CC_MAX_STOPLOSS_DISTANCE_PERCENT allows at most 20%",
      },
    ]);
  });

  it("a bad cost or note does not hide a too-close TP", () => {
    expect(
      problemsOf({ ...SHORT, priceTakeProfit: 99.9, cost: -1, note: 7 }).map((problem) => problem.field),
    ).toEqual(["cost", "note", "priceTakeProfit"]);
  });

  // Fixed bug: the crossed-stop-loss check of a scheduled signal ran only when nothing else was wrong.
  it("a crossed stop loss is reported together with a too-close TP", () => {
    const problems = problemsOf({ ...SCHEDULED_LONG, priceTakeProfit: 99.2 }, 96);
    expect(problems.map((problem) => problem.message)).toEqual([
      "priceTakeProfit 99.2 is 0.202020202% from priceOpen 99; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least 0.5%",
      "the current price 96 has already crossed priceStopLoss 97 of this scheduled long signal",
    ]);
  });

  it("TP and SL both on the wrong side yield two problems", () => {
    expect(
      problemsOf({ ...SHORT, priceTakeProfit: 105, priceStopLoss: 95 }).map((problem) => problem.field),
    ).toEqual(["priceTakeProfit", "priceStopLoss"]);
  });
});
