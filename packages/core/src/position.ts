// The open position's model, pure: what happens to it in one minute (the declarative rules), its
// cost-weighted PnL across entries and partial exits, and its per-position figures. The state machine
// (`transition`) and the backtest fast path (`scanPendingExit`) both step a PositionCursor through the
// same two functions, `minuteChange` then `foldMinute`, so they apply the same rules by construction.

import type { IGlobalConfig } from "./config";
import { MINUTE_MS } from "./interval";
import { computePnlPercent, type IPnlCosts, pnlCostsOf } from "./pnl";
import type {
  CloseReason,
  IDcaLevel,
  IDcaRule,
  IPositionRules,
  IScheduledSignalRow,
  ISignalRow,
  ITakeProfitLevel,
  PositionFill,
  SignalPosition,
} from "./signal";

/**
 * A copy of an open row with `changes`. Every open row is built by one literal with every field in one
 * order (here and in openRow), never by a spread: one hidden class for all of them, so the scanners'
 * and the state machine's property reads stay monomorphic.
 */
export function rowWith(row: ISignalRow, changes: Partial<Omit<ISignalRow, "kind">>): ISignalRow {
  const copy: ISignalRow = {
    kind: "pending",
    id: row.id,
    symbol: row.symbol,
    strategyName: row.strategyName,
    exchangeName: row.exchangeName,
    position: row.position,
    priceOpen: row.priceOpen,
    entry: row.entry,
    priceTakeProfit: row.priceTakeProfit,
    priceStopLoss: row.priceStopLoss,
    minuteEstimatedTime: row.minuteEstimatedTime,
    note: row.note,
    cost: row.cost,
    quantity: row.quantity,
    scheduledAt: row.scheduledAt,
    rules: row.rules,
    pendingAt: row.pendingAt,
    fills: row.fills,
    originalTakeProfit: row.originalTakeProfit,
    originalStopLoss: row.originalStopLoss,
    bestPrice: row.bestPrice,
    worstPrice: row.worstPrice,
    trailingTakePeak: row.trailingTakePeak,
    breakevenDone: row.breakevenDone,
    ladderNext: row.ladderNext,
    dcaNext: row.dcaNext,
  };
  return Object.assign(copy, changes);
}

/** The open row of a scheduled signal filled at `fillPrice` at `now` (the same literal shape as rowWith). */
export function openRow(signal: IScheduledSignalRow, fillPrice: number, now: number): ISignalRow {
  return {
    kind: "pending",
    id: signal.id,
    symbol: signal.symbol,
    strategyName: signal.strategyName,
    exchangeName: signal.exchangeName,
    position: signal.position,
    priceOpen: fillPrice,
    entry: signal.entry,
    priceTakeProfit: signal.priceTakeProfit,
    priceStopLoss: signal.priceStopLoss,
    minuteEstimatedTime: signal.minuteEstimatedTime,
    note: signal.note,
    cost: signal.cost,
    quantity: signal.cost === null ? null : signal.cost / fillPrice,
    scheduledAt: signal.scheduledAt,
    rules: signal.rules,
    pendingAt: now,
    fills: [{ kind: "entry", price: fillPrice, cost: signal.cost ?? 1, at: now, source: "open" }],
    originalTakeProfit: signal.priceTakeProfit,
    originalStopLoss: signal.priceStopLoss,
    bestPrice: fillPrice,
    worstPrice: fillPrice,
    trailingTakePeak: null,
    breakevenDone: false,
    ladderNext: 0,
    dcaNext: 0,
  };
}

/** The discrete change one minute makes to an open position (trailing-stop moves are folded, not changes). */
export type MinuteChange =
  | { readonly kind: "close"; readonly reason: Exclude<CloseReason, "closed">; readonly price: number }
  /** A take-profit ladder level filled: close `fraction` of the open size at `price` (< 1: partial). */
  | { readonly kind: "ladder"; readonly level: number; readonly price: number; readonly fraction: number }
  /** A DCA ladder level filled: add an entry of `cost` at `price`. */
  | { readonly kind: "dca"; readonly level: number; readonly price: number; readonly cost: number }
  /** The breakeven rule fired: the stop loss moves to `stopLoss` (never looser than before). */
  | { readonly kind: "breakeven"; readonly stopLoss: number }
  /** priceTakeProfit was reached with a trailing take: the position now trails from `price`. */
  | { readonly kind: "trailing_take"; readonly price: number };

/** Percent tolerance for share sums: 33.3 + 33.3 + 33.4 is 100. */
const SHARE_TOLERANCE = 1e-9;

/**
 * The mutable numeric view of an open position that one scan steps through minutes: no allocation per
 * minute. `reset` loads a row; `toRow` writes the folded fields back into a new row.
 */
export class PositionCursor {
  long = true;
  stopLoss = 0;
  takeProfit = 0;
  best = 0;
  worst = 0;
  trailingTakePeak = Number.NaN;
  breakevenDone = false;
  ladderNext = 0;
  dcaNext = 0;
  entryCount = 0;
  /** Cost-weighted average entry price of the open size; the first entry's price and cost. */
  averageEntry = 0;
  firstEntry = 0;
  firstCost = 0;
  /** Share of the entered size still open, in (0, 1]. */
  openShare = 1;
  expiresAt = 0;
  /** The loaded row's rules (null: none at all, the plain fast case) and the row itself. */
  rules: IPositionRules | null = null;
  row: ISignalRow | null = null;
  /**
   * The prices at which the next ladder level, DCA level, breakeven trigger and trailing-stop activation
   * fire (NaN: none). They depend only on fields a discrete change alters, so they are fixed for the
   * cursor's life (a change ends a scan, and `transition` resets the cursor after one).
   */
  ladderPrice = Number.NaN;
  dcaPrice = Number.NaN;
  breakevenTrigger = Number.NaN;
  trailingActivation = Number.NaN;

  reset(row: ISignalRow): this {
    this.row = row;
    const rules = row.rules;
    this.rules =
      rules.trailingStop === null &&
      rules.trailingTake === null &&
      rules.breakeven === null &&
      rules.takeProfitLadder === null &&
      rules.dca === null
        ? null
        : rules;
    this.long = row.position === "long";
    this.stopLoss = row.priceStopLoss;
    this.takeProfit = row.priceTakeProfit;
    this.best = row.bestPrice;
    this.worst = row.worstPrice;
    this.trailingTakePeak = row.trailingTakePeak ?? Number.NaN;
    this.breakevenDone = row.breakevenDone;
    this.ladderNext = row.ladderNext;
    this.dcaNext = row.dcaNext;
    this.expiresAt = row.pendingAt + row.minuteEstimatedTime * MINUTE_MS;
    const fills = row.fills;
    const first = fills[0];
    if (fills.length === 1 && first !== undefined && first.kind === "entry") {
      // One entry (most positions): the book without building it.
      this.entryCount = 1;
      this.averageEntry = first.price;
      this.firstEntry = first.price;
      this.firstCost = first.cost;
      this.openShare = 1;
    } else {
      const book = positionBook(fills);
      this.entryCount = book.entryCount;
      this.averageEntry = book.averageEntry;
      this.firstEntry = book.firstEntry;
      this.firstCost = book.firstCost;
      this.openShare = book.openShare;
    }
    this.prepareLevels();
    return this;
  }

  private prepareLevels(): void {
    this.ladderPrice = Number.NaN;
    this.dcaPrice = Number.NaN;
    this.breakevenTrigger = Number.NaN;
    this.trailingActivation = Number.NaN;
    const rules = this.rules;
    if (rules === null) return;
    const long = this.long;
    const ladder = rules.takeProfitLadder;
    const level = ladder?.[this.ladderNext];
    if (level !== undefined) this.ladderPrice = priceAt(long, this.averageEntry, level.profitPercent);
    const dca = rules.dca;
    const dcaLevel = dca?.levels[this.dcaNext];
    if (dca !== null && dcaLevel !== undefined && this.entryCount < maxEntries(dca)) {
      this.dcaPrice = priceAt(long, this.firstEntry, -dcaLevel.lossPercent);
    }
    if (rules.breakeven !== null && !this.breakevenDone) {
      this.breakevenTrigger = priceAt(long, this.averageEntry, rules.breakeven.triggerPercent);
    }
    if (rules.trailingStop !== null) {
      this.trailingActivation = priceAt(long, this.averageEntry, rules.trailingStop.activationPercent ?? 0);
    }
  }

  /** The loaded row with the folded fields (best / worst price, stop loss, trailing peak) written back. */
  toRow(): ISignalRow {
    const row = this.row as ISignalRow;
    const peak = Number.isNaN(this.trailingTakePeak) ? null : this.trailingTakePeak;
    // Every field is read on every call (no short circuit): a read first reached late, after V8 has
    // optimised its caller, would deoptimise it there.
    const unchangedStop = row.priceStopLoss === this.stopLoss;
    const unchangedBest = row.bestPrice === this.best;
    const unchangedWorst = row.worstPrice === this.worst;
    const unchangedPeak = row.trailingTakePeak === peak;
    if (unchangedStop && unchangedBest && unchangedWorst && unchangedPeak) return row;
    return rowWith(row, {
      priceStopLoss: this.stopLoss,
      bestPrice: this.best,
      worstPrice: this.worst,
      trailingTakePeak: peak,
    });
  }
}

/** Entry count, cost-weighted average entry price, first entry and the open share of a fill list. */
export function positionBook(fills: ReadonlyArray<PositionFill>): {
  entryCount: number;
  averageEntry: number;
  firstEntry: number;
  firstCost: number;
  openShare: number;
  enteredCost: number;
} {
  let quantity = 0;
  let basis = 0;
  let entryCount = 0;
  let firstEntry = 0;
  let firstCost = 0;
  let enteredQuantity = 0;
  let enteredCost = 0;
  for (const fill of fills) {
    if (fill.kind === "entry") {
      if (entryCount === 0) {
        firstEntry = fill.price;
        firstCost = fill.cost;
      }
      entryCount++;
      const added = fill.cost / fill.price;
      quantity += added;
      enteredQuantity += added;
      basis += fill.cost;
      enteredCost += fill.cost;
    } else {
      quantity *= 1 - fill.fraction;
      basis *= 1 - fill.fraction;
    }
  }
  return {
    entryCount,
    // One entry: its price exactly (cost / (cost / price) can be off by an ulp, and the single-entry PnL,
    // the ladder levels and IStrategyPnL.priceOpen must measure from the open price itself).
    averageEntry: entryCount === 1 || !(quantity > 0) ? firstEntry : basis / quantity,
    firstEntry,
    firstCost,
    openShare: enteredQuantity > 0 ? quantity / enteredQuantity : 0,
    enteredCost,
  };
}

/** The distance of a trailing rule at `best`: percent of it, or price units. */
function trailingDistance(rule: { distancePercent?: number; distance?: number }, best: number): number {
  return rule.distancePercent !== undefined ? (best * rule.distancePercent) / 100 : (rule.distance as number);
}

/** The price `percent` in the position's favour (profit > 0) or against it (< 0) from `from`. */
function priceAt(long: boolean, from: number, percent: number): number {
  return long ? from * (1 + percent / 100) : from * (1 - percent / 100);
}

/**
 * The price at which the whole position (its fills so far and the open rest closed there) nets zero
 * after fees and slippage on every fill.
 */
export function breakevenPrice(row: ISignalRow, costs: IPnlCosts): number {
  const tally = tallyFills(row.position, row.fills, costs);
  const long = row.position === "long";
  const s = costs.slippagePercent / 100;
  const f = costs.feePercent / 100;
  const adjusted = tally.quantity * (long ? 1 - s : 1 + s);
  return long
    ? (tally.fees - tally.exitNotional + tally.invested) / (adjusted * (1 - f))
    : (tally.invested - tally.exitNotional - tally.fees) / (adjusted * (1 + f));
}

/** levelExit's answers: nothing, the holding time is up, the stop loss or the take profit is reached. */
export const EXIT_NONE = 0;
export const EXIT_EXPIRED = 1;
export const EXIT_STOP = 2;
export const EXIT_TAKE = 3;

/**
 * The first of the position's level exits at (`price`, `now`), in order: expiry, stop loss, take profit
 * (the levels in force). minuteChange starts with it and the plain scan loop is it alone.
 */
export function levelExit(
  long: boolean,
  price: number,
  now: number,
  expiresAt: number,
  stopLoss: number,
  takeProfit: number,
): number {
  if (now >= expiresAt) return EXIT_EXPIRED;
  if (long ? price <= stopLoss : price >= stopLoss) return EXIT_STOP;
  if (long ? price >= takeProfit : price <= takeProfit) return EXIT_TAKE;
  return EXIT_NONE;
}

/**
 * What minute (`price`, `now`) changes discretely, or null. In order, the first that applies:
 * time expiry, stop loss (at its level), a trailing take's retrace (at its level), take profit (at its
 * level, or the start of a trailing take), the next take-profit ladder level, the next DCA level,
 * breakeven. At most one change per minute; the next minute sees the next.
 */
export function minuteChange(
  cursor: PositionCursor,
  price: number,
  now: number,
  config: Readonly<IGlobalConfig>,
): MinuteChange | null {
  const long = cursor.long;
  const exit = levelExit(long, price, now, cursor.expiresAt, cursor.stopLoss, cursor.takeProfit);
  if (exit === EXIT_EXPIRED) return { kind: "close", reason: "time_expired", price };
  if (exit === EXIT_STOP) return { kind: "close", reason: "stop_loss", price: cursor.stopLoss };
  const rules = cursor.rules;
  const peak = cursor.trailingTakePeak;
  if (!Number.isNaN(peak)) {
    // A trailing take has started (so rules has one): it closes on a retrace from its peak.
    const trailing = (rules as IPositionRules).trailingTake as NonNullable<IPositionRules["trailingTake"]>;
    const distance = trailingDistance(trailing, peak);
    const level = long ? peak - distance : peak + distance;
    if (long ? price <= level : price >= level) return { kind: "close", reason: "take_profit", price: level };
  } else if (exit === EXIT_TAKE) {
    return rules === null || rules.trailingTake === null
      ? { kind: "close", reason: "take_profit", price: cursor.takeProfit }
      : { kind: "trailing_take", price };
  }
  if (rules === null) return null;
  // The level prices are the cursor's (NaN when there is none: every comparison with it is false).
  const ladderPrice = cursor.ladderPrice;
  if (long ? price >= ladderPrice : price <= ladderPrice) {
    const level = (rules.takeProfitLadder as ReadonlyArray<ITakeProfitLevel>)[
      cursor.ladderNext
    ] as ITakeProfitLevel;
    const share = level.closePercent / 100;
    const fraction = share >= cursor.openShare - SHARE_TOLERANCE ? 1 : share / cursor.openShare;
    return fraction === 1
      ? { kind: "close", reason: "take_profit", price: ladderPrice }
      : { kind: "ladder", level: cursor.ladderNext, price: ladderPrice, fraction };
  }
  const dcaPrice = cursor.dcaPrice;
  if (long ? price <= dcaPrice : price >= dcaPrice) {
    const level = (rules.dca as IDcaRule).levels[cursor.dcaNext] as IDcaLevel;
    return {
      kind: "dca",
      level: cursor.dcaNext,
      price: dcaPrice,
      cost: (cursor.firstCost * (level.costPercent ?? 100)) / 100,
    };
  }
  const trigger = cursor.breakevenTrigger;
  if (long ? price >= trigger : price <= trigger) {
    const level = breakevenPrice(cursor.row as ISignalRow, pnlCostsOf(config));
    // Only a level on the loss side of the price, and only ever tighter.
    if (long ? level < price : level > price) {
      return {
        kind: "breakeven",
        stopLoss: long ? Math.max(level, cursor.stopLoss) : Math.min(level, cursor.stopLoss),
      };
    }
  }
  return null;
}

/** The most entries a DCA rule allows, the first included. */
export function maxEntries(dca: NonNullable<IPositionRules["dca"]>): number {
  return dca.maxEntries ?? dca.levels.length + 1;
}

/**
 * The continuous part of a minute in which the position stays open: best / worst price, a trailing
 * take's peak, and a trailing stop that follows the best price (only ever tighter, and only to a level
 * on the loss side of the current price).
 */
export function foldMinute(cursor: PositionCursor, price: number): void {
  const long = cursor.long;
  if (long) {
    if (price > cursor.best) cursor.best = price;
    else if (price < cursor.worst) cursor.worst = price;
  } else if (price < cursor.best) cursor.best = price;
  else if (price > cursor.worst) cursor.worst = price;
  const rules = cursor.rules;
  if (rules === null) return;
  if (!Number.isNaN(cursor.trailingTakePeak) && price > cursor.trailingTakePeak === long) {
    cursor.trailingTakePeak = price;
  }
  const trailing = rules.trailingStop;
  if (trailing === null) return;
  const best = cursor.best;
  const activation = cursor.trailingActivation;
  if (long ? best < activation : best > activation) return;
  const distance = trailingDistance(trailing, best);
  const level = long ? best - distance : best + distance;
  if (long ? level > cursor.stopLoss && level < price : level < cursor.stopLoss && level > price) {
    cursor.stopLoss = level;
  }
}

/** Running totals of a position's fills: open quantity (slippage-adjusted), money in and out, fees. */
interface IFillTally {
  quantity: number;
  invested: number;
  exitNotional: number;
  fees: number;
}

function tallyFills(
  position: SignalPosition,
  fills: ReadonlyArray<PositionFill>,
  costs: IPnlCosts,
): IFillTally {
  const long = position === "long";
  const s = costs.slippagePercent / 100;
  const f = costs.feePercent / 100;
  const tally: IFillTally = { quantity: 0, invested: 0, exitNotional: 0, fees: 0 };
  for (const fill of fills) {
    if (fill.kind === "entry") {
      const filled = fill.price * (long ? 1 + s : 1 - s);
      tally.quantity += fill.cost / filled;
      tally.invested += fill.cost;
      tally.fees += fill.cost * f;
    } else {
      const filled = fill.price * (long ? 1 - s : 1 + s);
      const closed = tally.quantity * fill.fraction;
      tally.quantity -= closed;
      const notional = closed * filled;
      tally.exitNotional += notional;
      tally.fees += notional * f;
    }
  }
  return tally;
}

/** Net result of a position whose open rest closes at `priceClose`: percent of all entry costs, and money. */
export function positionPnl(
  row: Pick<ISignalRow, "position" | "fills">,
  priceClose: number,
  costs: IPnlCosts,
): { percent: number; money: number; invested: number } {
  const fills = row.fills;
  const first = fills[0];
  if (fills.length === 1 && first !== undefined && first.kind === "entry") {
    // One entry, no partial exit: the round-trip formula itself (bit-identical to a plain trade).
    const percent = computePnlPercent(row.position, first.price, priceClose, costs);
    return { percent, money: (percent / 100) * first.cost, invested: first.cost };
  }
  const long = row.position === "long";
  const tally = tallyFills(row.position, fills, costs);
  const s = costs.slippagePercent / 100;
  const notional = tally.quantity * priceClose * (long ? 1 - s : 1 + s);
  const exitNotional = tally.exitNotional + notional;
  const fees = tally.fees + (notional * costs.feePercent) / 100;
  const money = (long ? exitNotional - tally.invested : tally.invested - exitNotional) - fees;
  return { percent: (money / tally.invested) * 100, money, invested: tally.invested };
}

/** Peak favourable (≥ 0) and worst adverse (≤ 0) excursion of the price, in percent from `entry`. */
function excursionPercents(
  row: Pick<ISignalRow, "position" | "bestPrice" | "worstPrice">,
  entry: number,
): { mfePercent: number; maePercent: number } {
  const sign = row.position === "long" ? 1 : -1;
  const mfe = (sign * (row.bestPrice - entry) * 100) / entry;
  const mae = (sign * (row.worstPrice - entry) * 100) / entry;
  // + 0 turns −0 into 0 (a record read back from JSON has no −0).
  return { mfePercent: Math.max(0, mfe) + 0, maePercent: Math.min(0, mae) + 0 };
}

/** What an open position stands at: what closing it now would net, its excursions, its age. */
export interface IPositionFigures {
  /** Net result in percent of all entry costs if the open rest closed at the price (fees and slippage included). */
  unrealisedPnlPercent: number;
  /** The same in quote currency, or null for an unsized signal. */
  unrealisedPnlCost: number | null;
  /** Cost of all entries in quote currency, or null for an unsized signal. */
  costTotal: number | null;
  /** Cost-weighted average entry price of the open size. */
  averageEntry: number;
  /** Share of the entered size still open, in (0, 1]. */
  openShare: number;
  /** Peak profit (≥ 0) and worst adverse excursion (≤ 0) so far, in percent from the average entry. */
  mfePercent: number;
  maePercent: number;
  minutesInPosition: number;
}

/**
 * The figures of an open position at `price` and `now` (for a strategy's onActive, a live dashboard):
 * the unrealised PnL as the close would compute it, MFE / MAE so far (the price included) and its age.
 * @example positionFigures(signal, currentPrice, Date.now(), { feePercent: 0.1, slippagePercent: 0.1 })
 */
export function positionFigures(
  row: ISignalRow,
  price: number,
  now: number,
  costs: IPnlCosts,
): IPositionFigures {
  const pnl = positionPnl(row, price, costs);
  const book = positionBook(row.fills);
  const long = row.position === "long";
  const excursion = excursionPercents(
    {
      position: row.position,
      bestPrice: long ? Math.max(row.bestPrice, price) : Math.min(row.bestPrice, price),
      worstPrice: long ? Math.min(row.worstPrice, price) : Math.max(row.worstPrice, price),
    },
    book.averageEntry,
  );
  return {
    unrealisedPnlPercent: pnl.percent,
    unrealisedPnlCost: row.cost === null ? null : pnl.money,
    costTotal: row.cost === null ? null : pnl.invested,
    averageEntry: book.averageEntry,
    openShare: book.openShare,
    mfePercent: excursion.mfePercent,
    maePercent: excursion.maePercent,
    minutesInPosition: (now - row.pendingAt) / MINUTE_MS,
  };
}

/**
 * A position's result split into its parts, in the fills' cost unit (quote currency, or units of the
 * first entry for an unsized signal), with the open rest closed at `priceClose`:
 * `grossPnl − slippage − fees = net`, and `net` is positionPnl's money (exactly for several fills, to
 * floating-point rounding for one, which positionPnl computes with computePnlPercent).
 */
export interface IPositionCostBreakdown {
  /** Σ entry costs. */
  invested: number;
  /** Result at the model's fill prices with neither slippage nor fees (long: exit value − invested). */
  grossPnl: number;
  /** What slippage took: grossPnl − the result at the slipped prices before fees (≥ 0 for s ≥ 0). */
  slippage: number;
  /** Fees: f · cost of every entry plus f · the slipped notional of every exit (f = feePercent / 100). */
  fees: number;
  /** Net result: grossPnl − slippage − fees. */
  net: number;
}

/** Money in and out of a position's fills with the open rest closed at `priceClose`, under `costs`. */
function closedTally(
  row: Pick<ISignalRow, "position" | "fills">,
  priceClose: number,
  costs: IPnlCosts,
): { invested: number; exitNotional: number; fees: number } {
  const long = row.position === "long";
  const tally = tallyFills(row.position, row.fills, costs);
  const s = costs.slippagePercent / 100;
  const notional = tally.quantity * priceClose * (long ? 1 - s : 1 + s);
  return {
    invested: tally.invested,
    exitNotional: tally.exitNotional + notional,
    fees: tally.fees + (notional * costs.feePercent) / 100,
  };
}

/**
 * The parts of a position's result (see IPositionCostBreakdown) with the fee and slippage formulas of
 * positionPnl: entries fill at price·(1 ± s), exits at price·(1 ∓ s), a fee of f on each fill's value.
 * @example positionCostBreakdown(closed.signal, closed.pnl.priceClose, { feePercent: 0.1, slippagePercent: 0.1 })
 */
export function positionCostBreakdown(
  row: Pick<ISignalRow, "position" | "fills">,
  priceClose: number,
  costs: IPnlCosts,
): IPositionCostBreakdown {
  const sign = row.position === "long" ? 1 : -1;
  const real = closedTally(row, priceClose, costs);
  const ideal = closedTally(row, priceClose, { feePercent: 0, slippagePercent: 0 });
  const grossPnl = sign * (ideal.exitNotional - ideal.invested);
  const afterSlippage = sign * (real.exitNotional - real.invested);
  return {
    invested: real.invested,
    grossPnl,
    slippage: grossPnl - afterSlippage,
    fees: real.fees,
    net: afterSlippage - real.fees,
  };
}
