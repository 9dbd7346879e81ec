// The strategy module of the @bt/cluster README's sweeps: each parameter set is one SMA crossover.
import type { SweepStrategySchema } from "@bt/cluster";
import { smaCrossover } from "./smaCrossover.ts";

export default (params: { fast: number; slow: number }): SweepStrategySchema =>
  smaCrossover(params.fast, params.slow);
