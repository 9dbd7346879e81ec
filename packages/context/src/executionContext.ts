// The two ambient records of bt: ExecutionContext (which symbol, which instant, which mode) and
// MethodContext (which registered schemas). Plain data; the storage lives in contextStorage.ts.

/** The temporal boundary of every data access: nothing at or after `when` is visible. */
export interface IExecutionContext {
  /** Trading pair, e.g. "BTCUSDT". */
  readonly symbol: string;
  /** The current instant: backtest time in backtest, the wall clock in live. */
  readonly when: Date;
  /** True in backtest and walker, false in live. */
  readonly backtest: boolean;
  /**
   * `when` as epoch ms, when the context can give it without building a Date (engine runs do: see
   * MovingExecutionContext); equal to `when.getTime()`. Absent on plain `{ symbol, when, backtest }` objects.
   */
  readonly whenMs?: number;
}

/** Which registered schemas the running code belongs to. */
export interface IMethodContext {
  readonly strategyName: string;
  readonly exchangeName: string;
  /** Name of the backtest frame; "" in live. */
  readonly frameName: string;
}
