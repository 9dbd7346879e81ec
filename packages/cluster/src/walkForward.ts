// Walk-forward validation of a sweep: rank every parameter set in sample, then re-run the top-k of each
// symbol out of sample with the same runner (sequential, threads or cluster) and pair the results.

import { BtError, describeValue } from "@bt/core";
import type { ISweepEntry, ISweepFrame, ISweepResult, SweepParams } from "./sweepTypes";

/** Options any runner's options must have for a walk-forward run; `frame` is the in-sample frame. */
export interface IWalkForwardRunnable {
  frame: ISweepFrame;
  params: unknown;
  symbols: string | ReadonlyArray<string>;
}

/** Walk-forward extras: the out-of-sample frame and how many winners per symbol go there. */
export interface IWalkForwardExtras {
  outOfSample: ISweepFrame;
  /** Winners per symbol re-run out of sample (succeeded entries, best first); default 3. */
  topK?: number;
}

/** One winner: its in-sample rank (1 = best) and both results. */
export interface IWalkForwardRow {
  symbol: string;
  inSampleRank: number;
  strategyName: string;
  params: SweepParams;
  inSample: ISweepEntry;
  /** The same parameter set on the out-of-sample frame. */
  outOfSample: ISweepEntry;
  /** Its rank among the re-run winners out of sample (1 = best). */
  outOfSampleRank: number;
}

/** Result of runWalkForward: both sweeps and the winners side by side. */
export interface IWalkForwardResult {
  inSample: ISweepResult;
  outOfSample: ISweepResult[];
  topK: number;
  /** Rows per symbol in in-sample rank order. */
  rows: IWalkForwardRow[];
}

/**
 * Runs `run` on the in-sample `frame`, then again with each symbol's top-k parameter sets on `outOfSample`.
 * @throws BtError VALIDATION for a bad topK; whatever the runner throws.
 * @example
 * const result = await runWalkForward(runSweep, { ...sweepOptions, frame: january, outOfSample: february, topK: 3 });
 * console.log(renderWalkForwardReport(result));
 */
export async function runWalkForward<const O extends IWalkForwardRunnable>(
  run: (options: O) => Promise<ISweepResult>,
  options: O & IWalkForwardExtras,
): Promise<IWalkForwardResult> {
  const { outOfSample, topK = 3, ...base } = options;
  if (!Number.isInteger(topK) || topK < 1) {
    throw new BtError(
      "VALIDATION",
      `runWalkForward: topK must be a positive integer, got ${describeValue(topK)}`,
      {
        field: "topK",
        value: topK,
      },
    );
  }
  if (outOfSample?.frameName === options.frame.frameName) {
    throw new BtError(
      "VALIDATION",
      "runWalkForward: the in-sample and out-of-sample frames need different names",
      {
        field: "outOfSample.frameName",
        value: outOfSample?.frameName,
      },
    );
  }
  const inSample = await run(base as unknown as O);
  const rows: IWalkForwardRow[] = [];
  const outResults: ISweepResult[] = [];
  for (const symbolResult of inSample.symbols) {
    const winners = symbolResult.ranking.filter((entry) => entry.stats !== null).slice(0, topK);
    if (winners.length === 0) continue;
    const again = await run({
      ...base,
      frame: outOfSample,
      symbols: [symbolResult.symbol],
      params: winners.map((entry) => entry.params),
    } as unknown as O);
    outResults.push(again);
    const outRanking = again.symbols[0]?.ranking ?? [];
    winners.forEach((entry, index) => {
      const outRank = outRanking.findIndex((candidate) => candidate.strategyName === entry.strategyName);
      const outEntry = outRanking[outRank];
      if (outEntry === undefined) return;
      rows.push({
        symbol: symbolResult.symbol,
        inSampleRank: index + 1,
        strategyName: entry.strategyName,
        params: entry.params,
        inSample: entry,
        outOfSample: outEntry,
        outOfSampleRank: outRank + 1,
      });
    });
  }
  return { inSample, outOfSample: outResults, topK, rows };
}
