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
      "minuteEstimatedTime must be a positive integer of minutes when given, got 1.5",
    ],
    [
      "zero lifetime",
      { ...LONG, minuteEstimatedTime: 0 },
      "minuteEstimatedTime",
      0,
      "minuteEstimatedTime must be a positive integer of minutes when given, got 0",
    ],
    [
      "negative lifetime",
      { ...LONG, minuteEstimatedTime: -60 },
      "minuteEstimatedTime",
      -60,
      "minuteEstimatedTime must be a positive integer of minutes when given, got -60",
    ],
    [
      "null lifetime",
      { ...LONG, minuteEstimatedTime: null },
      "minuteEstimatedTime",
      null,
      "minuteEstimatedTime must be a positive integer of minutes when given, got null",
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

  // Changed in b183a68: a limit whose stop loss the price has crossed has crossed its priceOpen too, so it
  // would fill now at the current price, and its stop loss is on the wrong side of that fill.
  it("a limit long whose stop loss the current price has already crossed", () => {
    expect(problemsOf(SCHEDULED_LONG, 96)).toEqual([
      {
        field: "priceStopLoss",
        value: 97,
        message:
          "priceStopLoss 97 must be below the current price 96 (a limit at 99 the market has crossed fills there) for a long position",
      },
    ]);
    // Exactly at the stop loss counts as crossed.
    expect(problemsOf(SCHEDULED_LONG, 97)).toHaveLength(1);
  });

  it("a limit short whose stop loss the current price has already crossed", () => {
    expect(problemsOf(SCHEDULED_SHORT, 104)).toEqual([
      {
        field: "priceStopLoss",
        value: 103,
        message:
          "priceStopLoss 103 must be above the current price 104 (a limit at 101 the market has crossed fills there) for a short position",
      },
    ]);
  });

  it("a stop entry whose stop loss the current price has already crossed", () => {
    // long stop: waits for 101 (above 100); SL 97; the price 96 is already below the SL.
    const stopLong = { ...LONG, entry: "stop", priceOpen: 101, priceTakeProfit: 103, priceStopLoss: 97 };
    expect(problemsOf(stopLong, 96)).toEqual([
      {
        field: "priceStopLoss",
        value: 97,
        message: "the current price 96 has already crossed priceStopLoss 97 of this scheduled long signal",
      },
    ]);
    const stopShort = { ...SHORT, entry: "stop", priceOpen: 99, priceTakeProfit: 97, priceStopLoss: 103 };
    expect(problemsOf(stopShort, 104)).toEqual([
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
    // A stop entry (a limit that crossed its SL fills at once, see above): long stop at 101, TP 101.2.
    const problems = problemsOf(
      { ...SCHEDULED_LONG, entry: "stop", priceOpen: 101, priceTakeProfit: 101.2 },
      96,
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      "priceTakeProfit 101.2 is 0.198019802% from priceOpen 101; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least 0.5%",
      "the current price 96 has already crossed priceStopLoss 97 of this scheduled long signal",
    ]);
  });

  it("TP and SL both on the wrong side yield two problems", () => {
    expect(
      problemsOf({ ...SHORT, priceTakeProfit: 105, priceStopLoss: 95 }).map((problem) => problem.field),
    ).toEqual(["priceTakeProfit", "priceStopLoss"]);
  });
});

describe("validateSignal: the entry type and the position rules (issue 17)", () => {
  const ok: ISignalDto = { position: "long", priceTakeProfit: 105, priceStopLoss: 95 };

  it.each<[string, Record<string, unknown>, string, unknown, string]>([
    [
      "unknown entry",
      { entry: "iceberg" },
      "entry",
      "iceberg",
      'entry must be "market", "limit" or "stop", got "iceberg"',
    ],
    [
      "market with priceOpen",
      { entry: "market", priceOpen: 99 },
      "entry",
      "market",
      'entry "market" fills at the current price and takes no priceOpen (got priceOpen 99); use entry "limit" or "stop" to wait for a price',
    ],
    [
      "limit without priceOpen",
      { entry: "limit" },
      "entry",
      "limit",
      'entry "limit" needs priceOpen, the price to wait for',
    ],
    [
      "stop without priceOpen",
      { entry: "stop" },
      "entry",
      "stop",
      'entry "stop" needs priceOpen, the price to wait for',
    ],
    [
      "a long stop already crossed",
      { entry: "stop", priceOpen: 99.5, priceTakeProfit: 103, priceStopLoss: 97 },
      "priceOpen",
      99.5,
      'a stop entry of a long waits for the price to rise above priceOpen: priceOpen 99.5 must be above the current price 100; to enter at or below the market use entry "limit" (fills now at the market) or no priceOpen',
    ],
    [
      "trailingStop not an object",
      { trailingStop: 2 },
      "trailingStop",
      2,
      "trailingStop must be an object when given, got 2",
    ],
    [
      "trailingStop with neither distance",
      { trailingStop: { activationPercent: 1 } },
      "trailingStop",
      { activationPercent: 1 },
      "trailingStop needs exactly one of distancePercent or distance, got neither",
    ],
    [
      "trailingStop with both distances",
      { trailingStop: { distancePercent: 1, distance: 1 } },
      "trailingStop",
      { distancePercent: 1, distance: 1 },
      "trailingStop needs exactly one of distancePercent or distance, got both",
    ],
    [
      "trailingStop distancePercent 100",
      { trailingStop: { distancePercent: 100 } },
      "trailingStop.distancePercent",
      100,
      "trailingStop.distancePercent must be a percent in (0, 100), got 100",
    ],
    [
      "trailingStop distancePercent as a string",
      { trailingStop: { distancePercent: "1" } },
      "trailingStop.distancePercent",
      "1",
      'trailingStop.distancePercent must be a percent in (0, 100), got "1"',
    ],
    [
      "trailingStop negative distance",
      { trailingStop: { distance: -1 } },
      "trailingStop.distance",
      -1,
      "trailingStop.distance must be a finite positive price distance, got -1",
    ],
    [
      "trailingStop NaN activation",
      { trailingStop: { distance: 1, activationPercent: Number.NaN } },
      "trailingStop.activationPercent",
      Number.NaN,
      "trailingStop.activationPercent must be a finite percent ≥ 0, got NaN",
    ],
    [
      "trailingStop unknown option",
      { trailingStop: { distance: 1, activation: 2 } },
      "trailingStop.activation",
      2,
      "trailingStop.activation is not an option of trailingStop (known: distancePercent, distance, activationPercent), got 2",
    ],
    [
      "trailingTake zero distancePercent",
      { trailingTake: { distancePercent: 0 } },
      "trailingTake.distancePercent",
      0,
      "trailingTake.distancePercent must be a percent in (0, 100), got 0",
    ],
    [
      "trailingTake unknown option (activationPercent is the stop's)",
      { trailingTake: { distance: 1, activationPercent: 1 } },
      "trailingTake.activationPercent",
      1,
      "trailingTake.activationPercent is not an option of trailingTake (known: distancePercent, distance), got 1",
    ],
    [
      "breakeven without triggerPercent",
      { breakeven: {} },
      "breakeven.triggerPercent",
      undefined,
      "breakeven.triggerPercent must be a finite positive percent, got undefined",
    ],
    [
      "breakeven zero trigger",
      { breakeven: { triggerPercent: 0 } },
      "breakeven.triggerPercent",
      0,
      "breakeven.triggerPercent must be a finite positive percent, got 0",
    ],
    [
      "breakeven unknown option",
      { breakeven: { triggerPercent: 1, lockPercent: 0.1 } },
      "breakeven.lockPercent",
      0.1,
      "breakeven.lockPercent is not an option of breakeven (known: triggerPercent), got 0.1",
    ],
    [
      "takeProfitLadder not an array",
      { takeProfitLadder: { profitPercent: 1, closePercent: 50 } },
      "takeProfitLadder",
      { profitPercent: 1, closePercent: 50 },
      'takeProfitLadder must be a non-empty array of { profitPercent, closePercent }, got {"profitPercent":1,"closePercent":50}',
    ],
    [
      "takeProfitLadder empty",
      { takeProfitLadder: [] },
      "takeProfitLadder",
      [],
      "takeProfitLadder must be a non-empty array of { profitPercent, closePercent }, got []",
    ],
    [
      "takeProfitLadder level not an object",
      { takeProfitLadder: [null] },
      "takeProfitLadder[0]",
      null,
      "takeProfitLadder[0] must be an object when given, got null",
    ],
    [
      "takeProfitLadder negative profit",
      { takeProfitLadder: [{ profitPercent: -1, closePercent: 50 }] },
      "takeProfitLadder[0].profitPercent",
      -1,
      "takeProfitLadder[0].profitPercent must be a finite positive percent, got -1",
    ],
    [
      "takeProfitLadder levels not ascending",
      {
        takeProfitLadder: [
          { profitPercent: 2, closePercent: 20 },
          { profitPercent: 2, closePercent: 20 },
        ],
      },
      "takeProfitLadder[1].profitPercent",
      2,
      "takeProfitLadder[1].profitPercent 2 must be above the level before it (2)",
    ],
    [
      "takeProfitLadder closePercent over 100",
      { takeProfitLadder: [{ profitPercent: 2, closePercent: 101 }] },
      "takeProfitLadder[0].closePercent",
      101,
      "takeProfitLadder[0].closePercent must be a percent in (0, 100], got 101",
    ],
    [
      "takeProfitLadder closing more than 100 % in all",
      {
        takeProfitLadder: [
          { profitPercent: 1, closePercent: 70 },
          { profitPercent: 2, closePercent: 40 },
        ],
      },
      "takeProfitLadder",
      110,
      "takeProfitLadder closes 110 % of the position in all; at most 100 %",
    ],
    [
      "takeProfitLadder unknown option",
      { takeProfitLadder: [{ profitPercent: 1, closePercent: 50, price: 101 }] },
      "takeProfitLadder[0].price",
      101,
      "takeProfitLadder[0].price is not an option of takeProfitLadder[0] (known: profitPercent, closePercent), got 101",
    ],
    ["dca not an object", { dca: "yes" }, "dca", "yes", 'dca must be an object when given, got "yes"'],
    [
      "dca without levels",
      { dca: { maxEntries: 2 } },
      "dca.levels",
      undefined,
      "dca.levels must be a non-empty array of { lossPercent, costPercent? }, got undefined",
    ],
    [
      "dca lossPercent 100",
      { dca: { levels: [{ lossPercent: 100 }] } },
      "dca.levels[0].lossPercent",
      100,
      "dca.levels[0].lossPercent must be a percent in (0, 100), got 100",
    ],
    [
      "dca levels not ascending in loss",
      { dca: { levels: [{ lossPercent: 3 }, { lossPercent: 2 }] } },
      "dca.levels[1].lossPercent",
      2,
      "dca.levels[1].lossPercent 2 must be above the level before it (3)",
    ],
    [
      "dca zero costPercent",
      { dca: { levels: [{ lossPercent: 2, costPercent: 0 }] } },
      "dca.levels[0].costPercent",
      0,
      "dca.levels[0].costPercent must be a finite positive percent of the first entry's cost, got 0",
    ],
    [
      "dca level unknown option",
      { dca: { levels: [{ lossPercent: 2, cost: 100 }] } },
      "dca.levels[0].cost",
      100,
      "dca.levels[0].cost is not an option of dca.levels[0] (known: lossPercent, costPercent), got 100",
    ],
    [
      "dca fractional maxEntries",
      { dca: { levels: [{ lossPercent: 2 }], maxEntries: 1.5 } },
      "dca.maxEntries",
      1.5,
      "dca.maxEntries must be an integer ≥ 1 (the first entry included), got 1.5",
    ],
    [
      "dca maxEntries 0",
      { dca: { levels: [{ lossPercent: 2 }], maxEntries: 0 } },
      "dca.maxEntries",
      0,
      "dca.maxEntries must be an integer ≥ 1 (the first entry included), got 0",
    ],
    [
      "dca allowAveragingUp not a boolean",
      { dca: { levels: [{ lossPercent: 2 }], allowAveragingUp: "true" } },
      "dca.allowAveragingUp",
      "true",
      'dca.allowAveragingUp must be a boolean, got "true"',
    ],
    [
      "dca unknown option",
      { dca: { levels: [{ lossPercent: 2 }], maxEntry: 2 } },
      "dca.maxEntry",
      2,
      "dca.maxEntry is not an option of dca (known: levels, maxEntries, allowAveragingUp), got 2",
    ],
  ])("%s", (_name, patch, field, value, message) => {
    const problems = problemsOf({ ...ok, ...patch });
    expect(problems).toEqual([{ field, value, message }]);
    expect(message).toContain(field.replace(/\[\d+\]/g, "").split(".")[0] as string);
  });

  it("accepts a signal without minuteEstimatedTime and with every rule at once", () => {
    expect(
      problemsOf({
        ...ok,
        cost: 100,
        trailingStop: { distancePercent: 1, activationPercent: 0.5 },
        trailingTake: { distance: 0.5 },
        breakeven: { triggerPercent: 0.8 },
        takeProfitLadder: [
          { profitPercent: 1, closePercent: 50 },
          { profitPercent: 2, closePercent: 50 },
        ],
        dca: {
          levels: [{ lossPercent: 1 }, { lossPercent: 2, costPercent: 50 }],
          maxEntries: 3,
          allowAveragingUp: false,
        },
      }),
    ).toEqual([]);
    expect(problemsOf({ ...ok, entry: "market" })).toEqual([]);
    expect(
      problemsOf({ ...ok, entry: "stop", priceOpen: 101, priceTakeProfit: 104, priceStopLoss: 98 }),
    ).toEqual([]);
  });

  it("reports several bad rules at once", () => {
    const fields = problemsOf({
      ...ok,
      trailingStop: { distance: 0 },
      breakeven: { triggerPercent: -1 },
      dca: { levels: [] },
    }).map((problem) => problem.field);
    expect(fields).toEqual(["trailingStop.distance", "breakeven.triggerPercent", "dca.levels"]);
  });
});
