// The account of a backtest: one quote-currency balance, shared by every run of a portfolio (a plain
// backtest has an account of its own). It stakes every signal (the sizing profile's cost, else an equal
// share of the balance), refuses a signal past the open-position limit or the free cash, follows the
// balance as positions close, and marks its equity to market every minute. So every trade and every
// total has a figure in quote currency.

import { computePnlPercent, type IPnlCosts, type IStrategyTickResultClosed, MINUTE_MS } from "@bt/core";
import { emptyObjectArray } from "../run/objectArray";

/** How one closed position is marked to market (see RunAccount.marks). */
interface IPositionMarks {
  first: number;
  end: number;
  base: number;
  perPrice: number;
  prices: Float64Array;
  offsetMinutes: number;
  minutesPerStep: number;
}

/** The stake the account gives a signal, or why it refuses it. */
export type AccountAdmission = { cost: number } | { problem: string };

/**
 * The account of one backtest or of one portfolio run. Balance = initial balance + the realised PnL of
 * closed positions (cash plus the stakes held); free cash = balance − the stakes held by open and
 * scheduled signals. Equity = balance + the open positions marked to market.
 */
export class RunAccount {
  private realised = 0;
  /** Stake held per signal id (open positions and scheduled signals: a limit order reserves its cost). */
  private readonly held = new Map<string, number>();
  private heldTotal = 0;
  /** Every position the account closed, in close order (every symbol of a portfolio). */
  readonly closed: IStrategyTickResultClosed[] = emptyObjectArray<IStrategyTickResultClosed>();
  /**
   * How to mark each closed position at the minutes [first, end) of the frame it was open: its unrealised
   * PnL is base + perPrice · price, the price read from its run's price column. Kept as that line, not
   * as values: a run pays nothing per minute, the curve is made when asked.
   */
  private readonly marks: IPositionMarks[] = emptyObjectArray<IPositionMarks>();
  private readonly minutes: number;

  /**
   * @param initialBalance quote currency, > 0 (validated by the run options).
   * @param maxOpenPositions open positions and scheduled signals at once, ≥ 1; the default stake is
   *   balance / maxOpenPositions.
   * @param periodStartMs first minute of the equity curve (the frame start, minute-aligned).
   * @param periodEndMs end of the frame (exclusive).
   */
  constructor(
    readonly initialBalance: number,
    readonly maxOpenPositions: number,
    readonly periodStartMs: number,
    readonly periodEndMs: number,
    readonly costs: IPnlCosts,
  ) {
    this.minutes = Math.max(0, Math.ceil((periodEndMs - periodStartMs) / MINUTE_MS));
  }

  /** Initial balance plus the realised PnL of every closed position, quote currency. */
  get balance(): number {
    return this.initialBalance + this.realised;
  }

  /** The balance not held by open positions or scheduled signals. */
  get freeCash(): number {
    return this.balance - this.heldTotal;
  }

  /** Open positions and scheduled signals holding a stake. */
  get openCount(): number {
    return this.held.size;
  }

  /**
   * The stake of a new signal: `sizedCost` (its own or the sizing profile's cost) when given, else
   * balance / maxOpenPositions, at most the free cash. Refused when maxOpenPositions signals hold a
   * stake, or the free cash cannot pay it.
   */
  admit(sizedCost: number | undefined): AccountAdmission {
    const { maxOpenPositions, freeCash } = this;
    if (this.held.size >= maxOpenPositions) {
      return {
        problem: `account: ${this.held.size} of maxOpenPositions ${maxOpenPositions} positions are open or scheduled`,
      };
    }
    const cost = sizedCost ?? Math.min(this.balance / maxOpenPositions, freeCash);
    if (!(cost > 0) || cost > freeCash * (1 + 1e-12)) {
      return {
        problem: `account: a stake of ${money(cost)} exceeds the free cash ${money(freeCash)} (balance ${money(this.balance)}, ${this.held.size} position(s) held)`,
      };
    }
    return { cost };
  }

  /** An opened position or a scheduled signal takes its stake. */
  hold(signalId: string, cost: number): void {
    if (this.held.has(signalId)) return;
    this.held.set(signalId, cost);
    this.heldTotal += cost;
  }

  /** A cancelled scheduled signal gives its stake back. */
  release(signalId: string): void {
    const cost = this.held.get(signalId);
    if (cost === undefined) return;
    this.held.delete(signalId);
    this.heldTotal -= cost;
  }

  /**
   * A closed position gives its stake back and books its net PnL (`pnl.pnlCost`); its minutes will be
   * marked to market on `prices` (the run's price column: `prices[i]` at `pricesStartMs + i·stepMs`, kept
   * by reference until the curve is asked for).
   * Marking values the position at what closing it at that minute's price would return, fees and
   * slippage included, on its cost-weighted entry and whole cost (partial exits and DCA entries
   * between fills are not re-marked).
   */
  close(trade: IStrategyTickResultClosed, prices: Float64Array, pricesStartMs: number, stepMs: number): void {
    this.release(trade.signal.id);
    this.closed.push(trade);
    this.realised += trade.pnl.pnlCost ?? 0;
    const cost = trade.pnl.costTotal;
    if (cost === null) return;
    const { position } = trade.signal;
    const priceOpen = trade.pnl.priceOpen;
    // computePnlPercent is linear in the closing price: two exact points give the line.
    const atOpen = computePnlPercent(position, priceOpen, priceOpen, this.costs);
    const slope = (computePnlPercent(position, priceOpen, 2 * priceOpen, this.costs) - atOpen) / priceOpen;
    const base = (cost * (atOpen - slope * priceOpen)) / 100;
    const perPrice = (cost * slope) / 100;
    const first = Math.max(0, this.minuteOf(trade.signal.pendingAt));
    const end = Math.min(this.minutes, this.minuteOf(trade.timestamp));
    if (end <= first) return;
    this.marks.push({
      first,
      end,
      base,
      perPrice,
      prices,
      // Price index of minute m: ⌊(offsetMinutes + m) / minutesPerStep⌋ (a 1m column, or a coarser base).
      offsetMinutes: Math.floor((this.periodStartMs - pricesStartMs) / MINUTE_MS),
      minutesPerStep: stepMs / MINUTE_MS,
    });
  }

  /**
   * Equity at each minute of the frame, quote currency (made when asked, not kept): the balance of the
   * closes up to and including that minute plus the open positions marked at it.
   */
  equityCurve(): Float64Array {
    const curve = new Float64Array(this.minutes);
    for (const trade of this.closed) {
      const minute = Math.max(0, this.minuteOf(trade.timestamp));
      if (minute < curve.length) curve[minute] = (curve[minute] as number) + (trade.pnl.pnlCost ?? 0);
    }
    let balance = this.initialBalance;
    for (let minute = 0; minute < curve.length; minute++) {
      balance += curve[minute] as number;
      curve[minute] = balance;
    }
    for (const { first, end, base, perPrice, prices, offsetMinutes, minutesPerStep } of this.marks) {
      for (let minute = first; minute < end; minute++) {
        const at = offsetMinutes + minute;
        const price = prices[minutesPerStep === 1 ? at : Math.floor(at / minutesPerStep)] as number;
        // An unpriced minute (NaN, or before the column) counts as flat.
        if (price > 0) curve[minute] = (curve[minute] as number) + base + perPrice * price;
      }
    }
    return curve;
  }

  private minuteOf(timeMs: number): number {
    return Math.floor((timeMs - this.periodStartMs) / MINUTE_MS);
  }
}

function money(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}
