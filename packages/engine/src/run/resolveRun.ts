// The one place where a run's names become schemas: the strategy (with its risk and sizing profiles),
// the exchange, the frame and the walker. Backtest, live and walker resolve through it, so an unknown
// name is the same BtError SCHEMA everywhere, naming where it was referenced and what is registered.

import type {
  IExchangeSchema,
  IFrameSchema,
  IRiskSchema,
  ISizingSchema,
  IStrategySchema,
  IWalkerSchema,
  WalkerMetric,
} from "@bt/core";
import { describeValue } from "@bt/core";
import type { EngineState } from "./engineState";
import { checkSymbol } from "./runOptions";

/** A strategy with the risk and sizing profiles it names (undefined when it names none). */
export interface IResolvedStrategy {
  strategy: IStrategySchema;
  risk: IRiskSchema | undefined;
  sizing: ISizingSchema | undefined;
}

/** Everything a backtest runs with. */
export interface IResolvedBacktestRun extends IResolvedStrategy {
  symbol: string;
  exchange: IExchangeSchema;
  frame: IFrameSchema;
}

/** Everything a live run runs with. */
export interface IResolvedLiveRun extends IResolvedStrategy {
  symbol: string;
  exchange: IExchangeSchema;
}

/** Everything a walker runs with: each strategy resolved before anything runs. */
export interface IResolvedWalkerRun {
  symbol: string;
  walker: IWalkerSchema;
  exchange: IExchangeSchema;
  frame: IFrameSchema;
  metric: WalkerMetric;
  strategies: IResolvedStrategy[];
}

/**
 * The strategy `strategyName` and the risk / sizing profiles it names.
 * @throws BtError SCHEMA for an unknown strategy (naming `referencedBy`), risk or sizing profile.
 */
export function resolveStrategy(
  state: EngineState,
  strategyName: string,
  referencedBy: string,
  field = "strategyName",
): IResolvedStrategy {
  const strategy = state.strategies.get(strategyName, referencedBy, field);
  const strategyRef = `strategy ${describeValue(strategy.strategyName)}`;
  const risk =
    strategy.riskName === undefined
      ? undefined
      : state.risks.get(strategy.riskName, `${strategyRef} riskName`, "riskName");
  const sizing =
    strategy.sizingName === undefined
      ? undefined
      : state.sizings.get(strategy.sizingName, `${strategyRef} sizingName`, "sizingName");
  return { strategy, risk, sizing };
}

/**
 * The exchange `exchangeName`.
 * @throws BtError SCHEMA when unknown, naming `referencedBy`.
 */
export function resolveExchange(
  state: EngineState,
  exchangeName: string,
  referencedBy: string,
): IExchangeSchema {
  return state.exchanges.get(exchangeName, referencedBy, "exchangeName");
}

/**
 * The frame `frameName`.
 * @throws BtError SCHEMA when unknown, naming `referencedBy`.
 */
export function resolveFrame(state: EngineState, frameName: string, referencedBy: string): IFrameSchema {
  return state.frames.get(frameName, referencedBy, "frameName");
}

/**
 * Resolves Backtest.run(symbol, { strategyName, exchangeName, frameName }).
 * @throws BtError VALIDATION for a bad symbol, SCHEMA for an unknown name.
 */
export function resolveBacktestRun(
  state: EngineState,
  symbol: string,
  context: { strategyName: string; exchangeName: string; frameName: string },
): IResolvedBacktestRun {
  checkSymbol("Backtest.run", symbol);
  const where = `Backtest.run(${symbol})`;
  const strategy = resolveStrategy(state, context?.strategyName, `${where} strategyName`);
  const exchange = resolveExchange(state, context.exchangeName, `${where} exchangeName`);
  const frame = resolveFrame(state, context.frameName, `${where} frameName`);
  return { symbol, ...strategy, exchange, frame };
}

/**
 * Resolves Live.run(symbol, { strategyName, exchangeName }).
 * @throws BtError VALIDATION for a bad symbol, SCHEMA for an unknown name.
 * @example const { strategy, exchange, risk, sizing } = resolveLiveRun(state, symbol, context);
 */
export function resolveLiveRun(
  state: EngineState,
  symbol: string,
  context: { strategyName: string; exchangeName: string },
): IResolvedLiveRun {
  checkSymbol("Live.run", symbol);
  const where = `Live.run(${symbol})`;
  const strategy = resolveStrategy(state, context?.strategyName, `${where} strategyName`);
  const exchange = resolveExchange(state, context.exchangeName, `${where} exchangeName`);
  return { symbol, ...strategy, exchange };
}

/**
 * Resolves Walker.run(symbol, { walkerName }): the walker, its exchange and frame, and every strategy
 * with its profiles (so a bad name fails before the first backtest).
 * @throws BtError VALIDATION for a bad symbol, SCHEMA for an unknown name.
 */
export function resolveWalkerRun(
  state: EngineState,
  symbol: string,
  context: { walkerName: string },
): IResolvedWalkerRun {
  checkSymbol("Walker.run", symbol);
  const walker = state.walkers.get(context?.walkerName, `Walker.run(${symbol}) walkerName`, "walkerName");
  const walkerRef = `walker ${describeValue(walker.walkerName)}`;
  const exchange = resolveExchange(state, walker.exchangeName, `${walkerRef} exchangeName`);
  const frame = resolveFrame(state, walker.frameName, `${walkerRef} frameName`);
  const strategies = walker.strategies.map((name, index) =>
    resolveStrategy(state, name, `${walkerRef} strategies[${index}]`, `strategies[${index}]`),
  );
  return { symbol, walker, exchange, frame, metric: walker.metric ?? "sharpeRatio", strategies };
}
