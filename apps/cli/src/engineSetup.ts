// Registers what a run needs on the default engine (the instance user files' getCandles share):
// the exchange and the frame, and strategies with schema errors reported as bad input.

import {
  BtError,
  type CandleInterval,
  type IExchangeSchema,
  type ILogger,
  type IStrategySchema,
} from "@bt/core";
import { defaultEngine, type IEngine } from "@bt/engine";
import { badInput } from "./cliError";
import type { ICliIo } from "./cliIo";

/**
 * The logger of a backtest or walker: the engine's warnings on stderr (each distinct message once: a data
 * problem seen on every call is one line), never on stdout, so --json stays clean. Info and debug are dropped.
 */
export function warningsToStderr(io: ICliIo): ILogger {
  const seen = new Set<string>();
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message) => {
      if (seen.has(message)) return;
      seen.add(message);
      io.stderr.write(`warning: ${message}\n`);
    },
  };
}

/** Name of the frame the CLI registers. */
export const CLI_FRAME_NAME = "cli";

/** The engine the CLI runs on: @bt/engine's default instance. */
export function cliEngine(): IEngine {
  return defaultEngine;
}

/** Registers the exchange and the frame [startMs, endMs) every `interval`. */
export function registerExchangeAndFrame(
  engine: IEngine,
  exchange: IExchangeSchema,
  frame: { startMs: number; endMs: number; interval: CandleInterval },
): void {
  engine.addExchange(exchange);
  engine.addFrame({
    frameName: CLI_FRAME_NAME,
    interval: frame.interval,
    startDate: new Date(frame.startMs),
    endDate: new Date(frame.endMs),
  });
}

/**
 * Registers a strategy from a user file.
 * @throws CliError (exit 2) when the engine rejects the schema.
 */
export function registerStrategy(engine: IEngine, strategy: IStrategySchema, file: string): void {
  try {
    engine.addStrategy(strategy);
  } catch (error) {
    if (BtError.isInstance(error)) {
      throw badInput(
        `${file}: ${error.message}`,
        "fix the strategy schema (strategyName, interval, getSignal)",
        error,
      );
    }
    throw error;
  }
}
