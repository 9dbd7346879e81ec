// A strategy factory for `bt sweep`: each parameter set of a grid file becomes one SMA crossover
// (smaCrossover.ts). The sweep names every combination itself (`sma[fastPeriod=5,slowPeriod=20]`).

import { type ISmaCrossoverParams, smaCrossover } from "./smaCrossover";

/** The SMA crossover of one parameter set; parameters left out keep smaCrossover's defaults. */
export default function smaSweep(params: Partial<ISmaCrossoverParams>) {
  const { strategyName: _name, ...schema } = smaCrossover(params);
  return schema;
}
