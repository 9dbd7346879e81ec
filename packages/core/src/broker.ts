// The broker (order execution) contract, spec version 1. Live mode commits a state change only after
// the broker confirms it; a BtError with retryable=true (or an unknown outcome) leaves the state as is.

import type { CloseReason, ISignalRow, PartialReason } from "./signal";

/** A confirmed execution. Prices in quote currency, quantity in base units, time epoch ms. */
export interface IBrokerFill {
  orderId: string;
  clientOrderId: string;
  price: number;
  quantity: number;
  filledAt: number;
  /** Fee paid in quote currency, when the venue reports it. */
  feeQuote?: number;
}

/** What the broker knows of one order, looked up by its client order id. */
export type BrokerOrderState =
  /** Filled (completely): the position changed. */
  | { readonly state: "filled"; readonly fill: IBrokerFill }
  /** Placed and still working (not or partly filled). */
  | { readonly state: "pending" }
  /** Refused, cancelled or expired unfilled: the position did not change. */
  | { readonly state: "rejected"; readonly reason: string }
  /** No order with that id: it was never placed. */
  | { readonly state: "unknown" };

/** A position the broker holds: an open leg filled and no close leg, as the broker records it. */
export interface IBrokerOpenPosition {
  /** Client order id of the open leg (clientOrderId(signalId, "open")). */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly fill: IBrokerFill;
  /** The signal as the broker stored it with the order, when it can (the paper broker does; venues do not). */
  readonly signal?: ISignalRow;
}

/**
 * A change of an open position's size: an added entry (DCA) or a partial close. `index` is the fill's
 * index in the signal's fills (1 for the first change after the open): it makes the client order id.
 */
export type BrokerPositionChange =
  /** Buy (long) / sell (short) more for `cost` in quote currency (units of the first entry when unsized). */
  | { readonly kind: "add"; readonly index: number; readonly cost: number }
  /** Close `fraction` (0 < f < 1) of the open size. */
  | {
      readonly kind: "reduce";
      readonly index: number;
      readonly fraction: number;
      readonly reason: PartialReason;
    };

/** The leg of a signal an order belongs to: its open, its close, or one size change (see BrokerPositionChange). */
export type OrderLeg = "open" | "close" | { readonly kind: "add" | "reduce"; readonly index: number };

/** Executes opens and closes. Requests carry idempotent client order ids, so a retry never doubles. */
export interface IBroker {
  readonly name: string;
  readonly specVersion: 1;
  /** Opens the position of `signal` around `price`; resolves once filled. */
  openPosition(signal: ISignalRow, price: number): Promise<IBrokerFill>;
  /** Closes the position of `signal` around `price`; resolves once filled. */
  closePosition(signal: ISignalRow, price: number, reason: CloseReason): Promise<IBrokerFill>;
  /**
   * Adds to or reduces the open position of `signal` around `price`, under the client order id of
   * `change` (clientOrderId(signal.id, change)); resolves once filled. Needed by signals with a DCA or a
   * take-profit ladder and by the partial and averaging commands; a live run refuses them without it.
   */
  changePosition?(signal: ISignalRow, change: BrokerPositionChange, price: number): Promise<IBrokerFill>;
  /**
   * The state of the order placed under `clientOrderId` on `symbol`: how a timed-out call (an unknown
   * outcome) is resolved, and what reconciliation checks persisted records against.
   */
  orderState?(clientOrderId: string, symbol: string): Promise<BrokerOrderState>;
  /** The positions the broker holds on `symbol` (reconciliation finds lost or unconfirmed records). */
  openPositions?(symbol: string): Promise<ReadonlyArray<IBrokerOpenPosition>>;
  dispose?(): Promise<void>;
}

const MAX_CLIENT_ORDER_ID_LENGTH = 36;

/** 32-bit FNV-1a of a string, as 8 hex digits: a short stable fingerprint for long ids. */
function fingerprint(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function legPrefix(leg: OrderLeg): string {
  if (leg === "open") return "bto-";
  if (leg === "close") return "btc-";
  return `bt${leg.kind === "add" ? "a" : "r"}${leg.index}-`;
}

/**
 * The client order id of one leg of a signal: deterministic (a retry after a crash reuses it), at most
 * 36 characters of [A-Za-z0-9_-] (what most venues accept), distinct for the open, the close and each
 * size change.
 */
export function clientOrderId(signalId: string, leg: OrderLeg): string {
  const prefix = legPrefix(leg);
  const safe = signalId.replace(/[^A-Za-z0-9_-]/g, "_");
  if (safe === signalId && prefix.length + safe.length <= MAX_CLIENT_ORDER_ID_LENGTH) return prefix + safe;
  // Long or unsafe ids: two independent 32-bit fingerprints keep collisions negligible.
  return `${prefix}${fingerprint(signalId, 0x811c9dc5)}${fingerprint(signalId, 0x01234567)}`;
}
