// Signal validation before a signal can cost money: every rule of DESIGN.md, each failure reported
// with the field, the value and a precise message. All problems are returned, not only the first.

import { describeValue } from "./btError";
import type { IGlobalConfig } from "./config";
import type { ISignalDto } from "./signal";

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
  if (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime <= 0) {
    add(
      "minuteEstimatedTime",
      lifetime,
      `minuteEstimatedTime must be a positive integer of minutes, got ${describeValue(lifetime)}`,
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
  const openLabel = scheduled ? `priceOpen ${open}` : `the current price ${open}`;
  const openName = scheduled ? "priceOpen" : "the current price";
  const isLong = position === "long";

  if (isLong ? !(takeProfit > open) : !(takeProfit < open)) {
    add(
      "priceTakeProfit",
      takeProfit,
      `priceTakeProfit ${takeProfit} must be ${isLong ? "above" : "below"} ${openLabel} for a ${position} position`,
      `priceTakeProfit must be ${isLong ? "above" : "below"} ${openName} for a ${position} position`,
    );
  } else {
    const distance = percentDistance(open, takeProfit);
    if (isBelow(distance, config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT)) {
      add(
        "priceTakeProfit",
        takeProfit,
        `priceTakeProfit ${takeProfit} is ${round(distance)}% from ${openLabel}; CC_MIN_TAKEPROFIT_DISTANCE_PERCENT requires at least ${config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT}%`,
        `priceTakeProfit closer to ${openName} than CC_MIN_TAKEPROFIT_DISTANCE_PERCENT (${config.CC_MIN_TAKEPROFIT_DISTANCE_PERCENT}%)`,
      );
    }
  }
  const stopLossSideOk = isLong ? stopLoss < open : stopLoss > open;
  if (!stopLossSideOk) {
    add(
      "priceStopLoss",
      stopLoss,
      `priceStopLoss ${stopLoss} must be ${isLong ? "below" : "above"} ${openLabel} for a ${position} position`,
      `priceStopLoss must be ${isLong ? "below" : "above"} ${openName} for a ${position} position`,
    );
  } else {
    const distance = percentDistance(open, stopLoss);
    if (isBelow(distance, config.CC_MIN_STOPLOSS_DISTANCE_PERCENT)) {
      add(
        "priceStopLoss",
        stopLoss,
        `priceStopLoss ${stopLoss} is ${round(distance)}% from ${openLabel}; CC_MIN_STOPLOSS_DISTANCE_PERCENT requires at least ${config.CC_MIN_STOPLOSS_DISTANCE_PERCENT}%`,
        `priceStopLoss closer to ${openName} than CC_MIN_STOPLOSS_DISTANCE_PERCENT (${config.CC_MIN_STOPLOSS_DISTANCE_PERCENT}%)`,
      );
    } else if (isBelow(config.CC_MAX_STOPLOSS_DISTANCE_PERCENT, distance)) {
      add(
        "priceStopLoss",
        stopLoss,
        `priceStopLoss ${stopLoss} is ${round(distance)}% from ${openLabel}; CC_MAX_STOPLOSS_DISTANCE_PERCENT allows at most ${config.CC_MAX_STOPLOSS_DISTANCE_PERCENT}%`,
        `priceStopLoss farther from ${openName} than CC_MAX_STOPLOSS_DISTANCE_PERCENT (${config.CC_MAX_STOPLOSS_DISTANCE_PERCENT}%)`,
      );
    }
  }
  if (
    scheduled &&
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
