// What `bt sweep`, `bt optimize` and `bt walkforward` resolve the same way from a run file and the
// flags: symbols, frame (the file's dates unless --from/--to), exchange and candles, the runner
// (threads / in-process / cluster), the run id and journal, and the backtest settings (costs, balance,
// warmup, gaps) every backtest of the run gets, plus the part of a journal header they decide.

import type { ISweepFrame, SweepBacktestOptions } from "@bt/cluster";
import { type IGlobalConfig, isCandleInterval } from "@bt/core";
import { badInput } from "./cliError";
import { createCliExchange, exchangeLabel } from "./cliExchange";
import type { ICliIo } from "./cliIo";
import { assertDumpableName } from "./dumpFileName";
import { CLI_FRAME_NAME } from "./engineSetup";
import { portfolioFrame } from "./frameRange";
import type { IParsedArgs } from "./parsedArgs";
import { stringOption } from "./parsedArgs";
import { type IRunOptions, resolveAccountOptions, resolveRunOptions } from "./runOptions";
import type { IRunFileCommon } from "./sweepFile";
import {
  checkStrategyModule,
  type ISweepRunIdentity,
  resolveSweepRunIdentity,
  resolveSweepRunner,
  type SweepCandles,
  type SweepRunnerChoice,
} from "./sweepRunner";

/** A run file's settings resolved with the flags. */
export interface IRunFileSetup {
  options: IRunOptions;
  symbols: string[];
  frame: ISweepFrame;
  exchangeName: string;
  candles: SweepCandles;
  runner: SweepRunnerChoice;
  identity: ISweepRunIdentity;
  config: Partial<IGlobalConfig>;
  backtest: SweepBacktestOptions;
  strategy: { name: string; module: string; exportName: string };
  /** Where the candles come from, for a journal header. */
  data: { dir: string } | { exchange: string };
}

/**
 * Resolves a run file's setup; `journalFolder` is the folder under <state> of default journals.
 * @throws CliError (exit 2) for bad flags, a frame that is empty, missing candles or a bad strategy module.
 */
export async function resolveRunFileSetup(
  args: IParsedArgs,
  io: ICliIo,
  file: IRunFileCommon,
  journalFolder: string,
): Promise<IRunFileSetup> {
  // --symbols is the run's list here (not a portfolio); --symbol is not an option of these commands.
  const account = resolveAccountOptions(args, io);
  const options = resolveRunOptions("sweep", args, io);
  const intervalFlag = stringOption(args, "interval");
  const interval = intervalFlag === undefined ? (file.interval ?? "1m") : options.interval;
  if (!isCandleInterval(interval)) throw badInput(`bad interval ${JSON.stringify(interval)}`);
  const symbols = account.symbols ?? file.symbols ?? ["BTCUSDT"];
  const fromMs = stringOption(args, "from") === undefined ? file.fromMs : options.fromMs;
  const toMs = stringOption(args, "to") === undefined ? file.toMs : options.toMs;
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw badInput("the frame's from is not before its to", "check --from/--to and the file's from/to");
  }
  if (options.dumpDir !== undefined) assertDumpableName(`name of ${file.file}`, file.name);

  const exchange = await createCliExchange(options.exchange, { ...options, cwd: io.cwd, env: io.env });
  const range = await portfolioFrame({ ...options, fromMs, toMs }, exchange, symbols);
  if (range.note !== null) io.stderr.write(`note: ${range.note}\n`);
  const candles: SweepCandles =
    options.exchange === "file"
      ? { kind: "files", dir: options.dataDir }
      : { kind: "exchange", schema: exchange.schema, label: exchangeLabel(options.exchange) };
  const runner = resolveSweepRunner(args, candles);
  await checkStrategyModule(file.strategy, io.cwd);
  const identity = resolveSweepRunIdentity(args, options.stateDir, io.cwd, journalFolder);

  const config: Partial<IGlobalConfig> = {};
  if (account.feePercent !== undefined) config.CC_PERCENT_FEE = account.feePercent;
  if (account.slippagePercent !== undefined) config.CC_PERCENT_SLIPPAGE = account.slippagePercent;
  const backtest: SweepBacktestOptions = {
    gapPolicy: options.gapPolicy,
    ...(account.accountBalance === undefined ? {} : { accountBalance: account.accountBalance }),
    ...(account.warmupMinutes === undefined ? {} : { warmupMinutes: account.warmupMinutes }),
  };
  return {
    options,
    symbols,
    frame: { frameName: CLI_FRAME_NAME, interval, startMs: range.startMs, endMs: range.endMs },
    exchangeName: exchange.schema.exchangeName,
    candles,
    runner,
    identity,
    config,
    backtest,
    strategy: {
      name: file.strategy.name,
      module: file.strategy.module,
      exportName: file.strategy.exportName,
    },
    data: candles.kind === "files" ? { dir: candles.dir } : { exchange: candles.label },
  };
}

/** The command as the user reruns it: `bt sweep grid.ts`, quoting a path with odd characters. */
export function commandText(command: string, file: string): string {
  return `bt ${command} ${/^[\w./@:+-]+$/.test(file) ? file : JSON.stringify(file)}`;
}
