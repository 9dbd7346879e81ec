// Every external call of a live run has a deadline: the broker, the exchange and the store are seen
// through wrappers that turn a call that never settles into BtError TIMEOUT (retryable: its outcome is
// unknown), so a hung venue or database can neither hang a tick nor keep Live.stop() from resolving.

import type { IBroker, IExchangeSchema, IPersistAdapterV2 } from "@bt/core";
import { withTimeout } from "../run/callTimeout";

/** `broker` with each call limited to `timeoutMs` (a timed-out order is resolved later by its client order id). */
export function timedBroker(broker: IBroker, timeoutMs: number): IBroker {
  const subject = (call: string) => ({ what: `broker ${broker.name}: ${call}`, adapter: broker.name });
  const timed: IBroker = {
    name: broker.name,
    specVersion: broker.specVersion,
    openPosition: (signal, price) =>
      withTimeout(
        () => broker.openPosition(signal, price),
        timeoutMs,
        subject(`openPosition of ${signal.id}`),
      ),
    closePosition: (signal, price, reason) =>
      withTimeout(
        () => broker.closePosition(signal, price, reason),
        timeoutMs,
        subject(`closePosition of ${signal.id}`),
      ),
  };
  const { changePosition, orderState, openPositions, dispose } = broker;
  if (changePosition !== undefined) {
    timed.changePosition = (signal, change, price) =>
      withTimeout(
        () => changePosition.call(broker, signal, change, price),
        timeoutMs,
        subject(`changePosition (${change.kind} ${change.index}) of ${signal.id}`),
      );
  }
  if (orderState !== undefined) {
    timed.orderState = (id, symbol) =>
      withTimeout(() => orderState.call(broker, id, symbol), timeoutMs, subject(`orderState of ${id}`));
  }
  if (openPositions !== undefined) {
    timed.openPositions = (symbol) =>
      withTimeout(() => openPositions.call(broker, symbol), timeoutMs, subject(`openPositions of ${symbol}`));
  }
  if (dispose !== undefined) {
    timed.dispose = () => withTimeout(() => dispose.call(broker), timeoutMs, subject("dispose"));
  }
  return timed;
}

/** `exchange` with each call limited to `timeoutMs` (the schema's own `timeoutMs` wins when set). */
export function timedExchange(exchange: IExchangeSchema, defaultTimeoutMs: number): IExchangeSchema {
  const timeoutMs = exchange.timeoutMs ?? defaultTimeoutMs;
  const subject = (call: string) => ({
    what: `exchange ${exchange.exchangeName}: ${call}`,
    adapter: exchange.exchangeName,
  });
  const timed: IExchangeSchema = {
    ...exchange,
    getCandles: (symbol, interval, since, limit) =>
      withTimeout(
        () => exchange.getCandles(symbol, interval, since, limit),
        timeoutMs,
        subject(`getCandles ${symbol} ${interval} since ${since.toISOString()}`),
      ),
  };
  const { getCandleColumns, formatPrice, formatQuantity } = exchange;
  if (getCandleColumns !== undefined) {
    timed.getCandleColumns = (symbol, fromMs, toMs) =>
      withTimeout(
        () => getCandleColumns.call(exchange, symbol, fromMs, toMs),
        timeoutMs,
        subject("getCandleColumns"),
      );
  }
  if (formatPrice !== undefined) {
    timed.formatPrice = (symbol, price) =>
      withTimeout(() => formatPrice.call(exchange, symbol, price), timeoutMs, subject("formatPrice"));
  }
  if (formatQuantity !== undefined) {
    timed.formatQuantity = (symbol, quantity) =>
      withTimeout(
        () => formatQuantity.call(exchange, symbol, quantity),
        timeoutMs,
        subject("formatQuantity"),
      );
  }
  return timed;
}

/** `persist` with each call limited to `timeoutMs`. */
export function timedPersist(persist: IPersistAdapterV2, timeoutMs: number): IPersistAdapterV2 {
  const subject = (call: string) => ({ what: `${persist.name}: ${call}`, adapter: persist.name });
  return {
    name: persist.name,
    specVersion: persist.specVersion,
    capabilities: persist.capabilities,
    waitForInit: () => withTimeout(() => persist.waitForInit(), timeoutMs, subject("waitForInit")),
    read: (entity, key) =>
      withTimeout(() => persist.read(entity, key), timeoutMs, subject(`read ${entity}/${key}`)),
    write: (entity, key, value, fence) =>
      withTimeout(
        () => persist.write(entity, key, value, fence),
        timeoutMs,
        subject(`write ${entity}/${key}`),
      ),
    delete: (entity, key, fence) =>
      withTimeout(() => persist.delete(entity, key, fence), timeoutMs, subject(`delete ${entity}/${key}`)),
    list: (entity, prefix) =>
      withTimeout(() => persist.list(entity, prefix), timeoutMs, subject(`list ${entity}/${prefix ?? ""}`)),
    batch: (operations, fence) =>
      withTimeout(
        () => persist.batch(operations, fence),
        timeoutMs,
        subject(`batch of ${operations.length}`),
      ),
    acquireLease: (key, holder, ttlMs) =>
      withTimeout(() => persist.acquireLease(key, holder, ttlMs), timeoutMs, subject(`acquireLease ${key}`)),
    renewLease: (grant, ttlMs) =>
      withTimeout(() => persist.renewLease(grant, ttlMs), timeoutMs, subject(`renewLease ${grant.key}`)),
    releaseLease: (grant) =>
      withTimeout(() => persist.releaseLease(grant), timeoutMs, subject(`releaseLease ${grant.key}`)),
    corruptions: () => persist.corruptions(),
    dispose: () => persist.dispose(),
  };
}
