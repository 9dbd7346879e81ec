// The backtest frame [startMs, endMs) from --from/--to and what the data covers. With the file
// exchange, missing dates default to the whole data range; dates outside it are bad input, except a
// start inside the first few minutes the engine needs for pricing, which moves to the first priced minute.

import { MINUTE_MS } from "@bt/core";
import { getConfig } from "@bt/engine";
import { badInput } from "./cliError";
import type { ICliExchange } from "./cliExchange";
import type { IRunOptions } from "./runOptions";

/** A resolved frame in epoch ms, end exclusive, and a note when the start was moved. */
export interface IFrameRange {
  startMs: number;
  endMs: number;
  note: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(":00.000Z", "Z");

/**
 * Resolves the frame of a run.
 * @throws CliError (exit 2) when the dates fall outside the data or are missing for a remote exchange.
 */
export async function resolveFrameRange(options: IRunOptions, exchange: ICliExchange): Promise<IFrameRange> {
  const bounds = await exchange.frameBounds(options.symbol);
  if (bounds === null) {
    if (options.fromMs === undefined || options.toMs === undefined) {
      throw badInput(
        "--from and --to are required for this exchange",
        "e.g. --from 2025-01-01 --to 2025-02-01",
      );
    }
    return { startMs: options.fromMs, endMs: options.toMs, note: null };
  }
  const covered = `the data of ${options.symbol} covers ${iso(bounds.startMs)} … ${iso(bounds.endMs)}`;
  const pricingMs = getConfig().CC_AVG_PRICE_CANDLES_COUNT * MINUTE_MS;
  let startMs = options.fromMs ?? bounds.startMs;
  let note: string | null = null;
  if (startMs < bounds.startMs) {
    if (startMs < bounds.startMs - pricingMs) {
      throw badInput(
        `--from ${iso(startMs)} is before the data`,
        `${covered}; use a later --from or --data <dir>`,
      );
    }
    note = `frame starts at ${iso(bounds.startMs)}: the first ${pricingMs / MINUTE_MS} minutes of data price the first tick`;
    startMs = bounds.startMs;
  }
  const endMs = options.toMs ?? bounds.endMs;
  if (endMs > bounds.endMs) {
    throw badInput(`--to ${iso(endMs)} is after the data`, `${covered}; use an earlier --to or --data <dir>`);
  }
  if (endMs <= startMs) {
    throw badInput(`the frame ${iso(startMs)} … ${iso(endMs)} is empty`, covered);
  }
  return { startMs, endMs, note };
}

/** The frame every symbol's data covers: the intersection of their frames. */
export async function portfolioFrame(
  options: IRunOptions,
  exchange: ICliExchange,
  symbols: ReadonlyArray<string>,
): Promise<IFrameRange> {
  let frame: IFrameRange | undefined;
  for (const symbol of symbols) {
    const own = await resolveFrameRange({ ...options, symbol }, exchange);
    frame =
      frame === undefined
        ? own
        : {
            startMs: Math.max(frame.startMs, own.startMs),
            endMs: Math.min(frame.endMs, own.endMs),
            note: frame.note ?? own.note,
          };
  }
  const resolved = frame as IFrameRange;
  if (resolved.endMs <= resolved.startMs) {
    throw badInput(
      `the data of ${symbols.join(", ")} has no period in common`,
      "pick symbols whose data overlap, or set --from and --to inside every symbol's data",
    );
  }
  return resolved;
}
