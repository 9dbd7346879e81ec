// Signal validation before a signal can cost money: every rule of DESIGN.md, each failure reported
// with the field, the value and a precise message. All problems are returned, not only the first.

import { describeValue } from "./btError";
import type { IGlobalConfig } from "./config";
import { ENTRY_TYPES, type EntryType, type ISignalDto } from "./signal";

/** One reason a signal was rejected. */
export interface ISignalProblem {
  field: string;
  value: unknown;
  /** The full message with the values, e.g. "priceTakeProfit 99 must be above the current price 100 …". */
  message: string;
  /**
   * The rule broken, without the values (e.g. "priceTakeProfit must be above the open price for a long
   * position"): the same for every signal that breaks it, so rejections can be counted by reason.
   */
  reason: string;
}

function isFinitePositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function percentDistance(from: number, to: number): number {
  return (Math.abs(to - from) / from) * 100;
}

/**
 * Percent distances are computed in floating point: a TP typed as exactly 0.5 % away (101 → 101.505)
 * comes out as 0.49999999999999556 %. Limits are inclusive, so a shortfall below this tolerance counts
 * as meeting the limit.
 */
const PERCENT_TOLERANCE = 1e-9;

/** True when `value` is below `limit` by more than the floating-point tolerance. */
function isBelow(value: number, limit: number): boolean {
  return value < limit - PERCENT_TOLERANCE;
}

/** Nine significant digits: enough to show why a value just outside a limit (beyond the tolerance) fails. */
function round(value: number): number {
  return Number(value.toPrecision(9));
}

/**
 * Validates a signal proposed at `currentPrice` against the config. Returns every problem found;
 * an empty array means the signal may proceed (to the risk profile, then execution).
 * Rules: known position; finite positive prices and current price; minuteEstimatedTime a positive integer
 * ≤ CC_MAX_SIGNAL_LIFETIME_MINUTES; TP above / SL below the open for a long (mirrored for a short);
 * TP distance ≥ CC_MIN_TAKEPROFIT_DISTANCE_PERCENT; SL distance within the configured [min, max];
 * a scheduled signal whose stop loss the current price has already crossed is rejected.
 * @example validateSignal({ position: "long", priceTakeProfit: 99, priceStopLoss: 95, minuteEstimatedTime: 60 }, 100, DEFAULT_CONFIG)
 */
export function validateSignal(
  signal: unknown,
  currentPrice: number,
  config: Readonly<IGlobalConfig>,
): ISignalProblem[] {
  const problems: ISignalProblem[] = [];
  const add = (field: string, value: unknown, message: string, reason: string) =>
    problems.push({ field, value, message, reason });

  if (typeof signal !== "object" || signal === null || Array.isArray(signal)) {
    add(
      "signal",
      signal,
      `signal must be an object, got ${describeValue(signal)}`,
      "signal must be an object",
    );
    return problems;
  }
  const dto = signal as Partial<Record<keyof ISignalDto, unknown>>;

  if (dto.position !== "long" && dto.position !== "short") {
    add(
      "position",
      dto.position,
      `position must be "long" or "short", got ${describeValue(dto.position)}`,
      'position must be "long" or "short"',
    );
  }
  if (!isFinitePositive(currentPrice)) {
    add(
      "currentPrice",
      currentPrice,
      `current price must be a finite positive number, got ${describeValue(currentPrice)}`,
      "current price must be a finite positive number",
    );
  }
  const scheduled = dto.priceOpen !== undefined;
  for (const field of ["priceOpen", "priceTakeProfit", "priceStopLoss"] as const) {
    if (field === "priceOpen" && !scheduled) continue;
    const value = dto[field];
    if (!isFinitePositive(value)) {
      add(
        field,
        value,
        `${field} must be a finite positive number, got ${describeValue(value)}`,
        `${field} must be a finite positive number`,
      );
    }
  }
  const lifetime = dto.minuteEstimatedTime;
  if (lifetime === undefined) {
    // No holding limit of its own: CC_MAX_SIGNAL_LIFETIME_MINUTES caps it.
  } else if (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime <= 0) {
    add(
      "minuteEstimatedTime",
      lifetime,
      `minuteEstimatedTime must be a positive integer of minutes when given, got ${describeValue(lifetime)}`,
      "minuteEstimatedTime must be a positive integer of minutes",
    );
  } else if (lifetime > config.CC_MAX_SIGNAL_LIFETIME_MINUTES) {
    add(
      "minuteEstimatedTime",
      lifetime,
      `minuteEstimatedTime ${lifetime} exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES (${config.CC_MAX_SIGNAL_LIFETIME_MINUTES})`,
      `minuteEstimatedTime exceeds CC_MAX_SIGNAL_LIFETIME_MINUTES (${config.CC_MAX_SIGNAL_LIFETIME_MINUTES})`,
    );
  }
  const entry = dto.entry;
  if (entry !== undefined && !ENTRY_TYPES.includes(entry as EntryType)) {
    add(
      "entry",
      entry,
      `entry must be "market", "limit" or "stop", got ${describeValue(entry)}`,
      'entry must be "market", "limit" or "stop"',
    );
  } else if (entry === "market" && scheduled) {
    add(
      "entry",
      entry,
      `entry "market" fills at the current price and takes no priceOpen (got priceOpen ${describeValue(dto.priceOpen)}); use entry "limit" or "stop" to wait for a price`,
      'entry "market" takes no priceOpen',
    );
  } else if ((entry === "limit" || entry === "stop") && !scheduled) {
    add(
      "entry",
      entry,
      `entry "${entry}" needs priceOpen, the price to wait for`,
      `entry "${entry}" needs priceOpen`,
    );
  }
  validateRules(dto, add);
  if (dto.cost !== undefined && !isFinitePositive(dto.cost)) {
    add(
      "cost",
      dto.cost,
      `cost must be a finite positive number when given, got ${describeValue(dto.cost)}`,
      "cost must be a finite positive number when given",
    );
  }
  if (dto.note !== undefined && typeof dto.note !== "string") {
    add(
      "note",
      dto.note,
      `note must be a string when given, got ${describeValue(dto.note)}`,
      "note must be a string when given",
    );
  }
  // Geometry needs a known position and sane TP, SL and open prices; it is checked whenever those are
  // sane, so a bad lifetime, cost or note never hides a TP/SL problem (every reason is reported).
  const position = dto.position;
  const takeProfit = dto.priceTakeProfit;
  const stopLoss = dto.priceStopLoss;
  const open = scheduled ? dto.priceOpen : currentPrice;
  if (
    (position !== "long" && position !== "short") ||
    !isFinitePositive(takeProfit) ||
    !isFinitePositive(stopLoss) ||
    !isFinitePositive(open)
  ) {
    return problems;
  }
  const isLong = position === "long";
  if (scheduled && dto.entry === "stop" && isFinitePositive(currentPrice)) {
    // A stop (breakout) waits for the price to cross priceOpen; one already crossed would fill at once at
    // a worse price than asked.
    if (isLong ? currentPrice >= open : currentPrice <= open) {
      add(
        "priceOpen",
        open,
        `a stop entry of a ${position} waits for the price to ${isLong ? "rise above" : "fall below"} priceOpen: priceOpen ${open} must be ${isLong ? "above" : "below"} the current price ${currentPrice}; to enter at or ${isLong ? "below" : "above"} the market use entry "limit" (fills now at the market) or no priceOpen`,
        `a stop entry's priceOpen must be ${isLong ? "above" : "below"} the current price`,
      );
      return problems;
    }
  }
  // A limit the market has already crossed fills now at the current price: its levels are checked
  // against that fill.
  const marketable =
    scheduled &&
    dto.entry !== "stop" &&
    isFinitePositive(currentPrice) &&
    (isLong ? currentPrice <= open : currentPrice >= open);
  const fillsAtPriceOpen = scheduled && !marketable;
  const reference = fillsAtPriceOpen ? open : currentPrice;
  // Built only for a message: turning the prices into text costs more than every check of a valid signal.
  const openLabel = () =>
    fillsAtPriceOpen
      ? `priceOpen ${open}`
      : scheduled
        ? `the current price ${reference} (a limit at ${open} the market has crossed fills there)`
        : `the current price ${reference}`;
  const openName = fillsAtPriceOpen ? "priceOpen" : "the current price";

  if (isLong ? !(takeProfit > reference) : !(takeProfit < reference)) {
    add(
      "priceTakeProfit",
      takeProfit,
      `priceTakeProfit ${takeProfit} must be ${isLong ? "above" : "below"} ${openLabel()} for a ${position} position`,
      `priceTakeProfit must be ${isLong ? "above" : "below"} ${openName} for a ${position} position`,
    );
  } else {
    const distance = percentDistance(reference, takeProfit);
    if (isBelow(distance, config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT)) {
      add(
        "priceTakeProfit",
        takeProfit,
        `priceTakeProfit ${takeProfit} is ${round(distance)}% from ${openLabel()}; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least ${config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT}%`,
        `priceTakeProfit closer to ${openName} than CC_MIN_TAKEPROFIT_DISTANCE_PERCENT (${config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT}%)`,
      );
    }
  }
  const stopLossSideOk = isLong ? stopLoss < reference : stopLoss > reference;
  if (!stopLossSideOk) {
    add(
      "priceStopLoss",
      stopLoss,
      `priceStopLoss ${stopLoss} must be ${isLong ? "below" : "above"} ${openLabel()} for a ${position} position`,
      `priceStopLoss must be ${isLong ? "below" : "above"} ${openName} for a ${position} position`,
    );
  } else {
    const distance = percentDistance(reference, stopLoss);
    if (isBelow(distance, config.CC_MIN_STOPLOSS_DISTANCE_PERCENT)) {
      add(
        "priceStopLoss",
        stopLoss,
        `priceStopLoss ${stopLoss} is ${round(distance)}% from ${openLabel()}; CC_MIN_STOPLOSS_DISTANCE_PERCENT requires at least ${config.CC_MIN_STOPLOSS_DISTANCE_PERCENT}%`,
        `priceStopLoss closer to ${openName} than CC_MIN_STOPLOSS_DISTANCE_PERCENT (${config.CC_MIN_STOPLOSS_DISTANCE_PERCENT}%)`,
      );
    } else if (isBelow(config.CC_MAX_STOPLOSS_DISTANCE_PERCENT, distance)) {
      add(
        "priceStopLoss",
        stopLoss,
        `priceStopLoss ${stopLoss} is ${round(distance)}% from ${openLabel()}; CC_MAX_STOPLOSS_DISTANCE_PERCENT allows at most ${config.CC_MAX_STOPLOSS_DISTANCE_PERCENT}%`,
        `priceStopLoss farther from ${openName} than CC_MAX_STOPLOSS_DISTANCE_PERCENT (${config.CC_MAX_STOPLOSS_DISTANCE_PERCENT}%)`,
      );
    }
  }
  // Ladder and DCA levels (from the entry) that the take profit or the stop loss always beats never fill.
  if (Array.isArray(dto.takeProfitLadder)) {
    dto.takeProfitLadder.forEach((level: unknown, index: number) => {
      const percent = (level as { profitPercent?: unknown } | null)?.profitPercent;
      if (!isFinitePositive(percent)) return;
      const levelPrice = reference * (isLong ? 1 + percent / 100 : 1 - percent / 100);
      if (isLong ? levelPrice >= takeProfit : levelPrice <= takeProfit) {
        add(
          `takeProfitLadder[${index}].profitPercent`,
          percent,
          `takeProfitLadder[${index}].profitPercent ${percent} puts the level at ${round(levelPrice)}, at or past priceTakeProfit ${takeProfit}: the take profit closes the position first, so it never fills`,
          "a takeProfitLadder level at or past priceTakeProfit never fills",
        );
      }
    });
  }
  const dcaLevels = (dto.dca as { levels?: unknown } | undefined)?.levels;
  if (Array.isArray(dcaLevels)) {
    dcaLevels.forEach((level: unknown, index: number) => {
      const percent = (level as { lossPercent?: unknown } | null)?.lossPercent;
      if (!isPercentBelow100(percent)) return;
      const levelPrice = reference * (isLong ? 1 - percent / 100 : 1 + percent / 100);
      if (isLong ? levelPrice <= stopLoss : levelPrice >= stopLoss) {
        add(
          `dca.levels[${index}].lossPercent`,
          percent,
          `dca.levels[${index}].lossPercent ${percent} puts the entry at ${round(levelPrice)}, at or past priceStopLoss ${stopLoss}: the stop loss closes the position first, so it never fills`,
          "a dca level at or past priceStopLoss never fills",
        );
      }
    });
  }
  if (
    fillsAtPriceOpen &&
    stopLossSideOk &&
    isFinitePositive(currentPrice) &&
    (isLong ? currentPrice <= stopLoss : currentPrice >= stopLoss)
  ) {
    add(
      "priceStopLoss",
      stopLoss,
      `the current price ${currentPrice} has already crossed priceStopLoss ${stopLoss} of this scheduled ${position} signal`,
      `the current price has already crossed priceStopLoss of a scheduled ${position} signal`,
    );
  }
  return problems;
}

type AddProblem = (field: string, value: unknown, message: string, reason: string) => void;

function isPercentBelow100(value: unknown): value is number {
  return isFinitePositive(value) && value < 100;
}

/** `field`, or its entry `field[index]` (index ≥ 0): built only for a problem's message. */
function nameOf(field: string, index: number): string {
  return index < 0 ? field : `${field}[${index}]`;
}

/**
 * Reports a problem of option `key` of entry `index` of list `field` (a ladder or DCA level): the field
 * is `field[index].key` and the message that field followed by `detail`.
 */
function addLevelProblem(
  add: AddProblem,
  field: string,
  index: number,
  key: string,
  value: unknown,
  detail: string,
  reason: string,
): void {
  const name = `${nameOf(field, index)}.${key}`;
  add(name, value, `${name} ${detail}`, reason);
}

/**
 * Rejects keys a rule object does not have (a typo must not silently drop a rule); allocates nothing
 * on the valid path.
 */
function unknownKeys(
  field: string,
  value: Record<string, unknown>,
  known: ReadonlyArray<string>,
  add: AddProblem,
  index = -1,
): void {
  for (const key in value) {
    if (!Object.hasOwn(value, key) || known.includes(key)) continue;
    const name = nameOf(field, index);
    add(
      `${name}.${key}`,
      value[key],
      `${name}.${key} is not an option of ${name} (known: ${known.join(", ")}), got ${describeValue(value[key])}`,
      `${name} has an unknown option`,
    );
  }
}

function asObject(
  field: string,
  value: unknown,
  add: AddProblem,
  index = -1,
): Record<string, unknown> | null {
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  const name = nameOf(field, index);
  add(
    name,
    value,
    `${name} must be an object when given, got ${describeValue(value)}`,
    `${name} must be an object`,
  );
  return null;
}

/** The options each rule knows (module constants: no array per validated signal). */
const TRAILING_STOP_KEYS = ["distancePercent", "distance", "activationPercent"] as const;
const TRAILING_TAKE_KEYS = ["distancePercent", "distance"] as const;
const BREAKEVEN_KEYS = ["triggerPercent"] as const;
const LADDER_LEVEL_KEYS = ["profitPercent", "closePercent"] as const;
const DCA_KEYS = ["levels", "maxEntries", "allowAveragingUp"] as const;
const DCA_LEVEL_KEYS = ["lossPercent", "costPercent"] as const;

/** A trailing distance: exactly one of distancePercent (0 < p < 100) or distance (> 0). */
function checkDistance(field: string, rule: Record<string, unknown>, add: AddProblem): void {
  const percent = rule.distancePercent;
  const distance = rule.distance;
  if ((percent === undefined) === (distance === undefined)) {
    add(
      field,
      rule,
      `${field} needs exactly one of distancePercent or distance, got ${percent === undefined ? "neither" : "both"}`,
      `${field} needs exactly one of distancePercent or distance`,
    );
    return;
  }
  if (percent !== undefined && !isPercentBelow100(percent)) {
    add(
      `${field}.distancePercent`,
      percent,
      `${field}.distancePercent must be a percent in (0, 100), got ${describeValue(percent)}`,
      `${field}.distancePercent must be in (0, 100)`,
    );
  }
  if (distance !== undefined && !isFinitePositive(distance)) {
    add(
      `${field}.distance`,
      distance,
      `${field}.distance must be a finite positive price distance, got ${describeValue(distance)}`,
      `${field}.distance must be a finite positive number`,
    );
  }
}

/** The declarative rules: trailing stop / take, breakeven, take-profit ladder, DCA ladder. */
function validateRules(dto: Partial<Record<keyof ISignalDto, unknown>>, add: AddProblem): void {
  if (dto.trailingStop !== undefined) {
    const rule = asObject("trailingStop", dto.trailingStop, add);
    if (rule !== null) {
      unknownKeys("trailingStop", rule, TRAILING_STOP_KEYS, add);
      checkDistance("trailingStop", rule, add);
      const activation = rule.activationPercent;
      if (
        activation !== undefined &&
        !(typeof activation === "number" && Number.isFinite(activation) && activation >= 0)
      ) {
        add(
          "trailingStop.activationPercent",
          activation,
          `trailingStop.activationPercent must be a finite percent ≥ 0, got ${describeValue(activation)}`,
          "trailingStop.activationPercent must be a finite percent ≥ 0",
        );
      }
    }
  }
  if (dto.trailingTake !== undefined) {
    const rule = asObject("trailingTake", dto.trailingTake, add);
    if (rule !== null) {
      unknownKeys("trailingTake", rule, TRAILING_TAKE_KEYS, add);
      checkDistance("trailingTake", rule, add);
    }
  }
  if (dto.breakeven !== undefined) {
    const rule = asObject("breakeven", dto.breakeven, add);
    if (rule !== null) {
      unknownKeys("breakeven", rule, BREAKEVEN_KEYS, add);
      if (!isFinitePositive(rule.triggerPercent)) {
        add(
          "breakeven.triggerPercent",
          rule.triggerPercent,
          `breakeven.triggerPercent must be a finite positive percent, got ${describeValue(rule.triggerPercent)}`,
          "breakeven.triggerPercent must be a finite positive percent",
        );
      }
    }
  }
  if (dto.takeProfitLadder !== undefined) {
    const ladder = dto.takeProfitLadder;
    if (!Array.isArray(ladder) || ladder.length === 0) {
      add(
        "takeProfitLadder",
        ladder,
        `takeProfitLadder must be a non-empty array of { profitPercent, closePercent }, got ${describeValue(ladder)}`,
        "takeProfitLadder must be a non-empty array",
      );
    } else {
      let previous = 0;
      let sum = 0;
      for (let index = 0; index < ladder.length; index++) {
        const level = asObject("takeProfitLadder", ladder[index], add, index);
        if (level === null) continue;
        unknownKeys("takeProfitLadder", level, LADDER_LEVEL_KEYS, add, index);
        const profit = level.profitPercent;
        const share = level.closePercent;
        if (!isFinitePositive(profit)) {
          addLevelProblem(
            add,
            "takeProfitLadder",
            index,
            "profitPercent",
            profit,
            `must be a finite positive percent, got ${describeValue(profit)}`,
            "takeProfitLadder profitPercent must be a finite positive percent",
          );
        } else if (!(profit > previous)) {
          addLevelProblem(
            add,
            "takeProfitLadder",
            index,
            "profitPercent",
            profit,
            `${profit} must be above the level before it (${previous})`,
            "takeProfitLadder levels must ascend",
          );
        } else previous = profit;
        if (!isFinitePositive(share) || share > 100) {
          addLevelProblem(
            add,
            "takeProfitLadder",
            index,
            "closePercent",
            share,
            `must be a percent in (0, 100], got ${describeValue(share)}`,
            "takeProfitLadder closePercent must be in (0, 100]",
          );
        } else sum += share;
      }
      if (sum > 100 + 1e-9) {
        add(
          "takeProfitLadder",
          sum,
          `takeProfitLadder closes ${sum} % of the position in all; at most 100 %`,
          "takeProfitLadder closes more than 100 %",
        );
      }
    }
  }
  if (dto.dca !== undefined) {
    const rule = asObject("dca", dto.dca, add);
    if (rule !== null) {
      unknownKeys("dca", rule, DCA_KEYS, add);
      const levels = rule.levels;
      if (!Array.isArray(levels) || levels.length === 0) {
        add(
          "dca.levels",
          levels,
          `dca.levels must be a non-empty array of { lossPercent, costPercent? }, got ${describeValue(levels)}`,
          "dca.levels must be a non-empty array",
        );
      } else {
        let previous = 0;
        for (let index = 0; index < levels.length; index++) {
          const level = asObject("dca.levels", levels[index], add, index);
          if (level === null) continue;
          unknownKeys("dca.levels", level, DCA_LEVEL_KEYS, add, index);
          const loss = level.lossPercent;
          if (!isPercentBelow100(loss)) {
            addLevelProblem(
              add,
              "dca.levels",
              index,
              "lossPercent",
              loss,
              `must be a percent in (0, 100), got ${describeValue(loss)}`,
              "dca lossPercent must be in (0, 100)",
            );
          } else if (!(loss > previous)) {
            addLevelProblem(
              add,
              "dca.levels",
              index,
              "lossPercent",
              loss,
              `${loss} must be above the level before it (${previous})`,
              "dca levels must descend in price (ascend in lossPercent)",
            );
          } else previous = loss;
          if (level.costPercent !== undefined && !isFinitePositive(level.costPercent)) {
            addLevelProblem(
              add,
              "dca.levels",
              index,
              "costPercent",
              level.costPercent,
              `must be a finite positive percent of the first entry's cost, got ${describeValue(level.costPercent)}`,
              "dca costPercent must be a finite positive percent",
            );
          }
        }
      }
      const most = rule.maxEntries;
      if (most !== undefined && !(typeof most === "number" && Number.isInteger(most) && most >= 1)) {
        add(
          "dca.maxEntries",
          most,
          `dca.maxEntries must be an integer ≥ 1 (the first entry included), got ${describeValue(most)}`,
          "dca.maxEntries must be an integer ≥ 1",
        );
      }
      if (rule.allowAveragingUp !== undefined && typeof rule.allowAveragingUp !== "boolean") {
        add(
          "dca.allowAveragingUp",
          rule.allowAveragingUp,
          `dca.allowAveragingUp must be a boolean, got ${describeValue(rule.allowAveragingUp)}`,
          "dca.allowAveragingUp must be a boolean",
        );
      }
    }
  }
}
