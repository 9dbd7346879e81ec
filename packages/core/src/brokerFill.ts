// Broker fills as the truth of a live position: the check that a fill is plausible before it is
// recorded (finite positive price and quantity, a finite time, near the market) and the net pnl of a
// round trip computed from the two fills the broker reported (their prices already include slippage).

import type { IBrokerFill } from "./broker";
import type { SignalPosition } from "./signal";

/** Default largest distance of a fill price from the market price it was asked at, in percent. */
export const DEFAULT_MAX_FILL_DEVIATION_PERCENT = 10;

function isFinitePositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/**
 * What is wrong with `fill` (null when it is plausible): price and quantity must be finite and > 0,
 * filledAt a finite epoch ms, feeQuote (when given) finite and ≥ 0, and the price within
 * `maxDeviationPercent` % (> 0) of `requestedPrice` (the market price the order was sent at).
 * @example brokerFillProblem({ orderId: "1", clientOrderId: "a", price: Number.NaN, quantity: 1, filledAt: 0 }, 100, 10)
 * // "fill price must be a finite positive number, got NaN"
 */
export function brokerFillProblem(
  fill: IBrokerFill,
  requestedPrice: number,
  maxDeviationPercent: number = DEFAULT_MAX_FILL_DEVIATION_PERCENT,
): string | null {
  if (typeof fill !== "object" || fill === null) return `fill must be an object, got ${String(fill)}`;
  if (!isFinitePositive(fill.price)) {
    return `fill price must be a finite positive number, got ${String(fill.price)}`;
  }
  if (!isFinitePositive(fill.quantity)) {
    return `fill quantity must be a finite positive number, got ${String(fill.quantity)}`;
  }
  if (typeof fill.filledAt !== "number" || !Number.isFinite(fill.filledAt)) {
    return `fill filledAt must be a finite epoch ms, got ${String(fill.filledAt)}`;
  }
  if (
    fill.feeQuote !== undefined &&
    (typeof fill.feeQuote !== "number" || !Number.isFinite(fill.feeQuote) || fill.feeQuote < 0)
  ) {
    return `fill feeQuote must be a finite number ≥ 0, got ${String(fill.feeQuote)}`;
  }
  if (typeof fill.clientOrderId !== "string" || fill.clientOrderId.length === 0) {
    return `fill clientOrderId must be a non-empty string, got ${String(fill.clientOrderId)}`;
  }
  if (isFinitePositive(requestedPrice)) {
    const deviationPercent = (Math.abs(fill.price - requestedPrice) / requestedPrice) * 100;
    if (deviationPercent > maxDeviationPercent) {
      return `fill price ${fill.price} is ${deviationPercent.toFixed(2)} % from the market price ${requestedPrice} (at most ${maxDeviationPercent} %)`;
    }
  }
  return null;
}

/**
 * Net pnl in percent of a round trip from its two broker fills (prices as filled: no slippage is added).
 * Fees: the fills' feeQuote over the entry value when both report it, else `feePercent` per side as in
 * computePnlPercent (f·(1 + close/open)). For the paper broker this equals computePnlPercent of the
 * requested prices.
 * @example fillPnlPercent("long", openFill, closeFill, 0.1)
 */
export function fillPnlPercent(
  position: SignalPosition,
  openFill: Pick<IBrokerFill, "price" | "quantity" | "feeQuote">,
  closeFill: Pick<IBrokerFill, "price" | "feeQuote">,
  feePercent: number,
): number {
  const open = openFill.price;
  const close = closeFill.price;
  const gross = position === "long" ? ((close - open) / open) * 100 : ((open - close) / open) * 100;
  if (openFill.feeQuote !== undefined && closeFill.feeQuote !== undefined && openFill.quantity > 0) {
    return gross - ((openFill.feeQuote + closeFill.feeQuote) / (open * openFill.quantity)) * 100;
  }
  return gross - feePercent * (1 + close / open);
}
