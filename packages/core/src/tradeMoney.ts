// The money of one closed trade in quote currency: its cost, its net result, and that result split into
// the gross move, the fees and the slippage, with the formulas of positionPnl. A sized signal carries its
// own money; an unsized one is sized by the stake the account gave it.

import { BtError } from "./btError";
import type { IPnlCosts } from "./pnl";
import { positionBook, positionCostBreakdown } from "./position";
import type { IStrategyTickResultClosed } from "./tickResult";

/** A figure of ITradeMoney that can be null (when the trade's pnl does not follow the given costs). */
export type TradeMoneySplitKey = "grossPnlCost" | "feeCost" | "slippageCost";

/**
 * The money of one closed trade, quote currency. `grossPnlCost − feeCost − slippageCost = pnlCost` to
 * 1e-9 relative whenever the three are non-null.
 */
export interface ITradeMoney {
  /** Where the money comes from: "signal" (the signal was sized: its own pnl.costTotal / pnl.pnlCost) or "stake". */
  sizedBy: "signal" | "stake";
  /**
   * Cost of all entries, quote, > 0: pnl.costTotal of a sized trade; stake · Σ entry costs / first entry
   * cost of an unsized one (stake for a trade without DCA entries).
   */
  cost: number;
  /** Net result, quote, fees and slippage included: pnl.pnlCost of a sized trade, cost · pnlPercentage / 100 otherwise. */
  pnlCost: number;
  /**
   * Result at the model's fill prices before slippage and fees, quote (long: value out − value in; short
   * mirrored); null when the trade's pnl does not follow `costs` (see `unavailable`).
   */
  grossPnlCost: number | null;
  /** Fees paid, quote, ≥ 0: f · the cost of every entry + f · the slipped value of every exit (f = feePercent / 100). */
  feeCost: number | null;
  /** What slippage took, quote (≥ 0 for slippage ≥ 0): grossPnlCost − the result at the slipped prices before fees. */
  slippageCost: number | null;
  /** Why a split figure is null: the trade's pnl was not computed from its fills with these costs. */
  unavailable: Partial<Record<TradeMoneySplitKey, string>>;
}

/** Percentage points by which the recomputed pnl may differ from the trade's before the split is refused. */
const RECONCILE_TOLERANCE = 1e-9;

function finitePositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/**
 * The money of a closed trade (see ITradeMoney). A sized trade (pnl.costTotal set) uses its own cost and
 * pnlCost; an unsized one is sized by `stake`, the quote cost the account assigned to its first entry
 * (later DCA entries scale with it, as their unit costs do). The fee / slippage split is recomputed from
 * the fills with `costs` (the run's fee and slippage per side) and is null with a reason when it does
 * not reproduce the trade's pnlPercentage (a live trade priced from broker fills or broker fees).
 * @throws BtError VALIDATION when an unsized trade has no stake, a stake is not finite and > 0, a sized
 * trade's stake differs from its own cost, or the trade's pnl figures are not finite.
 * @example
 * tradeMoney(closed, 100, { feePercent: 0.1, slippagePercent: 0.1 }).feeCost; // ≈ 0.2 for a flat long round trip
 */
export function tradeMoney(
  closed: IStrategyTickResultClosed,
  stake: number | null,
  costs: IPnlCosts,
): ITradeMoney {
  const id = closed.signal.id;
  const pnl = closed.pnl;
  if (!Number.isFinite(pnl.pnlPercentage)) {
    throw new BtError("VALIDATION", `tradeMoney: signal ${id} has a non-finite pnlPercentage`, {
      field: "closed.pnl.pnlPercentage",
      value: pnl.pnlPercentage,
    });
  }
  for (const field of ["feePercent", "slippagePercent"] as const) {
    const value = costs[field];
    if (!Number.isFinite(value) || value < 0) {
      throw new BtError(
        "VALIDATION",
        `tradeMoney: costs.${field} must be a finite number ≥ 0, got ${value}`,
        {
          field: `costs.${field}`,
          value,
        },
      );
    }
  }
  if (stake !== null && !finitePositive(stake)) {
    throw new BtError(
      "VALIDATION",
      `tradeMoney: stake of signal ${id} must be a finite number > 0, got ${stake}`,
      {
        field: "stake",
        value: stake,
      },
    );
  }
  const book = positionBook(closed.signal.fills);
  // undefined too: a record read without the engine's upgrade has no field at all.
  const sized = pnl.costTotal !== null && pnl.costTotal !== undefined;
  let cost: number;
  let pnlCost: number;
  if (sized) {
    if (!finitePositive(pnl.costTotal)) {
      throw new BtError(
        "VALIDATION",
        `tradeMoney: signal ${id} has costTotal ${pnl.costTotal}, not a finite number > 0`,
        {
          field: "closed.pnl.costTotal",
          value: pnl.costTotal,
        },
      );
    }
    if (typeof pnl.pnlCost !== "number" || !Number.isFinite(pnl.pnlCost)) {
      throw new BtError(
        "VALIDATION",
        `tradeMoney: sized signal ${id} has pnlCost ${pnl.pnlCost}, not a finite number`,
        {
          field: "closed.pnl.pnlCost",
          value: pnl.pnlCost,
        },
      );
    }
    const own = closed.signal.cost ?? book.firstCost;
    // A stake beside a signal's own cost must be that cost: two sizes of one trade would be two balances.
    if (stake !== null && Math.abs(stake - own) > 1e-9 * own) {
      throw new BtError(
        "VALIDATION",
        `tradeMoney: signal ${id} is sized (cost ${own}) but was given stake ${stake}; pass null or its cost`,
        { field: "stake", value: stake },
      );
    }
    cost = pnl.costTotal;
    pnlCost = pnl.pnlCost;
  } else {
    if (stake === null) {
      throw new BtError(
        "VALIDATION",
        `tradeMoney: signal ${id} is unsized (pnl.costTotal is null) and no stake was given`,
        { field: "stake", value: stake },
      );
    }
    // Unsized fills carry costs in units of the first entry (1); the stake is the first entry's cost.
    const units = book.firstCost > 0 ? book.enteredCost / book.firstCost : 1;
    cost = stake * units;
    pnlCost = (cost * pnl.pnlPercentage) / 100;
  }
  const split = positionCostBreakdown(closed.signal, pnl.priceClose, costs);
  const recomputedPercent = split.invested > 0 ? (split.net / split.invested) * 100 : Number.NaN;
  if (
    !(
      Math.abs(recomputedPercent - pnl.pnlPercentage) <=
      RECONCILE_TOLERANCE * Math.max(1, Math.abs(pnl.pnlPercentage))
    )
  ) {
    const reason = `the trade's pnl (${pnl.pnlPercentage} %) is not its fills at fee ${costs.feePercent} % and slippage ${costs.slippagePercent} % per side (${recomputedPercent} %): priced from broker fills or other costs`;
    return {
      sizedBy: sized ? "signal" : "stake",
      cost,
      pnlCost,
      grossPnlCost: null,
      feeCost: null,
      slippageCost: null,
      unavailable: { grossPnlCost: reason, feeCost: reason, slippageCost: reason },
    };
  }
  const scale = cost / split.invested;
  return {
    sizedBy: sized ? "signal" : "stake",
    cost,
    pnlCost,
    grossPnlCost: split.grossPnl * scale,
    feeCost: split.fees * scale,
    slippageCost: split.slippage * scale,
    unavailable: {},
  };
}
