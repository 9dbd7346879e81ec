// Adds position-management rules to a strategy's signals: the examples below take the SMA crossover's
// entries and manage the position differently (trailing stop, breakeven, take-profit ladder, DCA).

import type { ISignalDto, IStrategySchema } from "@bt/core";

/** The rules (and any other signal fields) every signal of `base` gets, under `strategyName`. */
export function withRules(
  base: IStrategySchema,
  strategyName: string,
  rules: Partial<ISignalDto> | ((signal: ISignalDto) => Partial<ISignalDto>),
): IStrategySchema {
  return {
    ...base,
    strategyName,
    getSignal: async (symbol, when) => {
      const signal = await base.getSignal(symbol, when);
      if (signal === null) return null;
      return { ...signal, ...(typeof rules === "function" ? rules(signal) : rules) };
    },
  };
}
