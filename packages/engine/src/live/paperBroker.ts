// The paper broker: an IBroker that fills every order at once at the requested price moved by the
// configured slippage, charging the configured fee. Idempotent by client order id: a repeated request
// returns the first fill. With a persistence adapter its order book survives restarts.

import {
  type BrokerOrderState,
  type BrokerPositionChange,
  BtError,
  type CloseReason,
  clientOrderId,
  DEFAULT_CONFIG,
  describeValue,
  type IBroker,
  type IBrokerFill,
  type IBrokerOpenPosition,
  type IGlobalConfig,
  type ISignalRow,
  type OrderLeg,
} from "@bt/core";
import { wallClock } from "./liveClock";
import { orderKey, orderPrefix, orderRecordProblem, records } from "./liveKeyspace";
import { type AnyPersistAdapter, persistV2 } from "./persistView";

/** Options of createPaperBroker. */
export interface IPaperBrokerOptions {
  /** Where the order book is kept (contract v1 or v2; "order" records of this broker's name); default memory only. */
  persist?: AnyPersistAdapter;
  /** The config whose fee and slippage are the defaults below; default the default engine's config at creation. */
  config?: Readonly<IGlobalConfig>;
  /** Fee per fill in percent of the filled value, ≥ 0; default `config.CC_PERCENT_FEE`. */
  feePercent?: number;
  /** Adverse price move per fill in percent, ≥ 0; default `config.CC_PERCENT_SLIPPAGE`. */
  slippagePercent?: number;
  /** Time of fills, epoch ms; default the wall clock (Live passes its own clock). */
  now?: () => number;
  /** Broker name, also the order-book namespace; default "paper". */
  name?: string;
}

/** One filled paper order. Prices in quote currency, quantity in base units, fee in quote currency. */
export interface IPaperOrder {
  orderId: string;
  clientOrderId: string;
  signalId: string;
  symbol: string;
  /** open / close, or a size change: add (DCA) / reduce (partial close). */
  leg: "open" | "close" | "add" | "reduce";
  side: "buy" | "sell";
  /** The price the engine asked for. */
  requestedPrice: number;
  /** The fill price: requestedPrice moved against the trader by slippagePercent. */
  price: number;
  quantity: number;
  feeQuote: number;
  /** Fill time, epoch ms. */
  filledAt: number;
  /** Close reason of a close leg (a reduce leg's partial reason); null otherwise. */
  reason: string | null;
  /** How many times this order was requested (retries after errors or restarts return the first fill). */
  requestCount: number;
  /**
   * The signal as it was sent with an open or a size-change leg (so a lost position record can be
   * rebuilt with its fills); absent on close legs and in older books.
   */
  signal?: ISignalRow;
}

/** The paper broker: an IBroker plus its order book. */
export interface IPaperBroker extends IBroker {
  /** The order placed under `clientOrderId`: filled (paper orders fill at once) or unknown. */
  orderState(clientOrderId: string, symbol: string): Promise<BrokerOrderState>;
  /** Open legs on `symbol` without a close leg, oldest first, each with the signal it was sent with. */
  openPositions(symbol: string): Promise<IBrokerOpenPosition[]>;
  /** Every order filled so far (persisted ones included), by fill time then open before close. */
  orders(): Promise<IPaperOrder[]>;
}

function checkPercent(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new BtError(
      "VALIDATION",
      `createPaperBroker: ${name} must be a finite number ≥ 0, got ${describeValue(value)}`,
      {
        field: name,
        value,
      },
    );
  }
  return value;
}

/**
 * Creates a paper broker: fills at once at the requested price ± slippage, charges the fee, and
 * answers a repeated client order id with the first fill (so a retry or a restart never doubles).
 * @throws BtError VALIDATION for a negative or non-finite fee or slippage.
 * @example const broker = createPaperBroker({ persist: createFsPersist({ dir: "./dump/paper" }) });
 */
export function createPaperBroker(options: IPaperBrokerOptions = {}): IPaperBroker {
  const config = options.config ?? DEFAULT_CONFIG;
  const feePercent = checkPercent("feePercent", options.feePercent, config.CC_PERCENT_FEE);
  const slippagePercent = checkPercent(
    "slippagePercent",
    options.slippagePercent,
    config.CC_PERCENT_SLIPPAGE,
  );
  const now = options.now ?? wallClock.now;
  const name = options.name ?? "paper";
  const persist = options.persist === undefined ? undefined : persistV2(options.persist);
  const book = new Map<string, IPaperOrder>();
  // Requests of one client order id run one at a time, so concurrent duplicates share one fill.
  const queues = new Map<string, Promise<unknown>>();
  let ready: Promise<void> | undefined;

  const brokerError = (message: string, retryable: boolean, cause?: unknown) =>
    new BtError("BROKER", `${name}: ${message}`, { adapter: name, retryable, cause });

  const init = () => {
    ready ??= (persist?.waitForInit() ?? Promise.resolve()).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  const load = async (id: string): Promise<IPaperOrder | undefined> => {
    const known = book.get(id);
    if (known !== undefined || persist === undefined) return known;
    const stored = await persist.read("order", orderKey(name, id));
    if (stored === null) return undefined;
    const problem = orderRecordProblem(stored);
    if (problem !== null) {
      throw brokerError(`order record ${orderKey(name, id)} is malformed (${problem})`, false);
    }
    const { v: _version, ...order } = stored as unknown as IPaperOrder & { v?: number };
    book.set(id, order);
    return order;
  };

  const save = async (order: IPaperOrder) => {
    if (persist !== undefined) {
      await persist.write("order", orderKey(name, order.clientOrderId), records.order(order));
    }
    book.set(order.clientOrderId, order);
  };

  /** Base units the broker holds for `signalId`: its open and add legs less its reduce legs. */
  const heldQuantity = (signalId: string): number | null => {
    let held: number | null = null;
    for (const order of [...book.values()].sort((left, right) => left.filledAt - right.filledAt)) {
      if (order.signalId !== signalId) continue;
      if (order.leg === "open" || order.leg === "add") held = (held ?? 0) + order.quantity;
      else if (order.leg === "reduce") held = (held ?? 0) - order.quantity;
    }
    return held;
  };

  /** The order's quantity: an open or add from its cost, a reduce as its share of what is held, a close all of it. */
  const quantityOf = (signal: ISignalRow, leg: PaperLeg, price: number): number => {
    const first = signal.quantity ?? (signal.cost === null ? 1 : signal.cost / price);
    switch (leg.kind) {
      case "open":
        return first;
      case "add": {
        // Cost units (unsized signals) scale with the first entry's size.
        const firstCost = signal.fills[0]?.kind === "entry" ? signal.fills[0].cost : 1;
        const firstQuantity = heldFirst(signal.id) ?? first;
        return signal.cost === null ? (firstQuantity * leg.change.cost) / firstCost : leg.change.cost / price;
      }
      case "reduce":
        return (heldQuantity(signal.id) ?? first) * leg.change.fraction;
      case "close":
        return (
          heldQuantity(signal.id) ??
          signal.quantity ??
          (signal.cost === null ? 1 : signal.cost / signal.priceOpen)
        );
      default: {
        const unreachable: never = leg;
        return unreachable;
      }
    }
  };

  const heldFirst = (signalId: string): number | null => {
    for (const order of book.values())
      if (order.signalId === signalId && order.leg === "open") return order.quantity;
    return null;
  };

  const fill = (signal: ISignalRow, requestedPrice: number, leg: PaperLeg): Promise<IBrokerFill> => {
    const what = `${leg.kind} of ${signal.id}`;
    if (typeof requestedPrice !== "number" || !Number.isFinite(requestedPrice) || requestedPrice <= 0) {
      return Promise.reject(
        brokerError(
          `${what}: price must be a finite positive number, got ${describeValue(requestedPrice)}`,
          false,
        ),
      );
    }
    const orderLeg: OrderLeg =
      leg.kind === "open" || leg.kind === "close" ? leg.kind : { kind: leg.kind, index: leg.change.index };
    const id = clientOrderId(signal.id, orderLeg);
    const run = async (): Promise<IBrokerFill> => {
      try {
        await init();
        const existing = await load(id);
        if (existing !== undefined) {
          const repeated = { ...existing, requestCount: existing.requestCount + 1 };
          await save(repeated);
          return toFill(repeated);
        }
        // A change or close is sized from what the broker holds: a restarted broker reads its book first.
        if (leg.kind !== "open") await loadAll();
        const increases = leg.kind === "open" || leg.kind === "add";
        const buying = (signal.position === "long") === increases;
        const price = requestedPrice * (1 + ((buying ? 1 : -1) * slippagePercent) / 100);
        const quantity = quantityOf(signal, leg, price);
        const order: IPaperOrder = {
          orderId: `${name}-${id}`,
          clientOrderId: id,
          signalId: signal.id,
          symbol: signal.symbol,
          leg: leg.kind,
          side: buying ? "buy" : "sell",
          requestedPrice,
          price,
          quantity,
          feeQuote: (price * quantity * feePercent) / 100,
          filledAt: now(),
          reason: leg.kind === "close" ? leg.reason : leg.kind === "reduce" ? leg.change.reason : null,
          requestCount: 1,
          ...(leg.kind === "close" ? {} : { signal }),
        };
        await save(order);
        return toFill(order);
      } catch (error) {
        if (BtError.isInstance(error) && error.code === "BROKER") throw error;
        // The order book could not be read or written: the outcome is unknown, so retry.
        throw brokerError(`${what} failed: ${(error as Error)?.message ?? String(error)}`, true, error);
      }
    };
    const previous = queues.get(id) ?? Promise.resolve();
    const result = previous.then(run, run);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return result;
  };

  const loadAll = async () => {
    await init();
    if (persist !== undefined) {
      const prefix = orderPrefix(name);
      for (const key of await persist.list("order", prefix)) await load(key.slice(prefix.length));
    }
  };

  return {
    name,
    specVersion: 1,
    openPosition: (signal, price) => fill(signal, price, { kind: "open" }),
    closePosition: (signal, price, reason) => fill(signal, price, { kind: "close", reason }),
    changePosition: (signal, change, price) => fill(signal, price, { kind: change.kind, change } as PaperLeg),
    async orderState(id: string): Promise<BrokerOrderState> {
      await init();
      const order = await load(id);
      return order === undefined ? { state: "unknown" } : { state: "filled", fill: toFill(order) };
    },
    async openPositions(symbol: string): Promise<IBrokerOpenPosition[]> {
      await loadAll();
      const orders = [...book.values()];
      const closed = new Set(orders.filter((order) => order.leg === "close").map((order) => order.signalId));
      // The signal as last sent (a size change carries the position after it).
      const latest = new Map<string, ISignalRow>();
      for (const order of [...orders].sort((left, right) => left.filledAt - right.filledAt)) {
        if (order.signal !== undefined) latest.set(order.signalId, order.signal);
      }
      return orders
        .filter((order) => order.leg === "open" && order.symbol === symbol && !closed.has(order.signalId))
        .sort((left, right) => left.filledAt - right.filledAt)
        .map((order) => {
          const signal = latest.get(order.signalId);
          return {
            clientOrderId: order.clientOrderId,
            symbol: order.symbol,
            side: order.side,
            fill: toFill(order),
            ...(signal === undefined ? {} : { signal: { ...signal } }),
          };
        });
    },
    async orders() {
      await loadAll();
      return [...book.values()]
        .map((order) => ({ ...order }))
        .sort(
          (left, right) =>
            left.filledAt - right.filledAt ||
            (left.leg === right.leg ? 0 : left.leg === "open" ? -1 : 1) ||
            left.clientOrderId.localeCompare(right.clientOrderId),
        );
    },
  };
}

/** What a paper order is: an open, a close with its reason, or a size change. */
type PaperLeg =
  | { readonly kind: "open" }
  | { readonly kind: "close"; readonly reason: CloseReason }
  | { readonly kind: "add"; readonly change: Extract<BrokerPositionChange, { kind: "add" }> }
  | { readonly kind: "reduce"; readonly change: Extract<BrokerPositionChange, { kind: "reduce" }> };

function toFill(order: IPaperOrder): IBrokerFill {
  return {
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    price: order.price,
    quantity: order.quantity,
    filledAt: order.filledAt,
    feeQuote: order.feeQuote,
  };
}
