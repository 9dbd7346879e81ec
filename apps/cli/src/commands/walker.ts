// `bt walker <walker file>`: backtests every strategy the file lists over one frame, shows progress
// per strategy, prints the ranking report (failed strategies last, never best, each strategy's
// Problems) and a summary (or JSON with --json), prints every strategy's problems on stderr, optionally
// dumps both. Exit 1 when any strategy threw.

import { downsampleEquity } from "@bt/core";
import { RECORD_EQUITY_POINTS } from "../accountRecord";
import { badInput } from "../cliError";
import { createCliExchange } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { assertDumpableName } from "../dumpFileName";
import { dumpRun } from "../dumpRun";
import {
  CLI_FRAME_NAME,
  cliEngine,
  registerExchangeAndFrame,
  registerStrategy,
  warningsToStderr,
} from "../engineSetup";
import { collectErrorStacks } from "../errorStacks";
import { portfolioFrame, resolveFrameRange } from "../frameRange";
import { flagOption, type IParsedArgs } from "../parsedArgs";
import { renderProblemLines, strategyThrew } from "../problemLines";
import { createProgressReporter } from "../progressBar";
import { renderRunReport } from "../renderRunReport";
import { applyCosts, resolveAccountOptions, resolveRunOptions } from "../runOptions";
import { type IRunOutcome, printRunOutcome, type RunFailure } from "../runOutcome";
import { type IWalkerRunRecord, RUN_RECORD_VERSION } from "../runRecord";
import { renderRunSummary } from "../runSummary";
import { loadWalkerFile } from "../strategyFile";

/** Runs `bt walker` with its parsed arguments; returns the exit code. */
export async function runWalkerCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const outcome = await runWalker(args, io);
  return printRunOutcome(outcome, flagOption(args, "json"), io);
}

/**
 * Runs the walker `bt walker` describes (progress and notes on stderr, --dump / --html written) and
 * returns its ranking record, report and problems without printing them.
 * @throws CliError (exit 2) for bad input (the walker file's frame included), or the run's error.
 */
export async function runWalker(args: IParsedArgs, io: ICliIo): Promise<IRunOutcome<IWalkerRunRecord>> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one walker file",
      "bt walker <walker file> [options]; see bt walker --help",
    );
  }
  const flags = resolveRunOptions("walker", args, io);
  const account = resolveAccountOptions(args, io);
  const engine = cliEngine();
  engine.setLogger(warningsToStderr(io));
  engine.reset();
  const walker = await loadWalkerFile(file, io.cwd);
  // The file's frame where --from / --to are not given: each flag overrides its own end.
  const options = {
    ...flags,
    fromMs: flags.fromMs ?? walker.frame?.fromMs,
    toMs: flags.toMs ?? walker.frame?.toMs,
  };
  if (options.fromMs !== undefined && options.toMs !== undefined && options.fromMs >= options.toMs) {
    throw badInput(
      `the frame ${new Date(options.fromMs).toISOString()} … ${new Date(options.toMs).toISOString()} of --from/--to and ${file}'s frame is empty`,
      "--from must be before --to (flags override frame.from / frame.to)",
    );
  }
  // The name becomes a file name: checked now, not after every backtest.
  if (options.dumpDir !== undefined) assertDumpableName(`walkerName of ${file}`, walker.walkerName);
  applyCosts(engine, account);
  const exchange = await createCliExchange(options.exchange, { ...options, cwd: io.cwd, env: io.env });
  const symbols = account.symbols;
  const frame =
    symbols === undefined
      ? await resolveFrameRange(options, exchange)
      : await portfolioFrame(options, exchange, symbols);
  if (frame.note !== null) io.stderr.write(`note: ${frame.note}\n`);
  registerExchangeAndFrame(engine, exchange.schema, { ...frame, interval: options.interval });
  for (const strategy of walker.strategies) registerStrategy(engine, strategy, file);
  try {
    engine.addWalker({
      walkerName: walker.walkerName,
      strategies: walker.strategies.map((strategy) => strategy.strategyName),
      exchangeName: exchange.schema.exchangeName,
      frameName: CLI_FRAME_NAME,
      metric: walker.metric,
      note: walker.note,
    });
  } catch (error) {
    throw badInput(
      `${file}: ${error instanceof Error ? error.message : String(error)}`,
      "fix the walker file",
      error,
    );
  }

  const progress = await createProgressReporter(io, { plain: options.json });
  const total = walker.strategies.length;
  let finished = 0;
  const stopProgress = engine.listenProgress((event) => {
    progress.update(
      `${event.strategyName} (${finished + 1}/${total})`,
      event.processedFrames,
      event.totalFrames,
    );
  });
  const stopWalker = engine.listenWalker((event) => {
    finished = event.strategiesTested;
  });
  const errorStacks = args.values.verbose === true ? collectErrorStacks(engine) : undefined;
  let result: Awaited<ReturnType<typeof engine.Walker.getData>>;
  try {
    const runOptions = {
      gapPolicy: options.gapPolicy,
      accountBalance: account.accountBalance,
      warmupMinutes: account.warmupMinutes,
    };
    const run =
      symbols === undefined
        ? engine.Walker.run(options.symbol, { walkerName: walker.walkerName }, runOptions)
        : engine.Walker.runPortfolio(
            symbols,
            { walkerName: walker.walkerName },
            { ...runOptions, maxOpenPositions: account.maxOpenPositions },
          );
    let step = await run.next();
    while (step.done !== true) step = await run.next();
    result = step.value;
  } finally {
    stopProgress();
    stopWalker();
    progress.finish();
    await engine.waitForListeners();
    errorStacks?.stop();
  }

  // Each strategy's own account equity, for the HTML comparison (absent for a run that never started).
  const equityOf = (strategyName: string) => {
    try {
      const { account: strategyAccount } =
        symbols === undefined
          ? engine.Backtest.getData(options.symbol, strategyName)
          : engine.Backtest.getPortfolioData(strategyName);
      return { equity: downsampleEquity(strategyAccount.equity, RECORD_EQUITY_POINTS) };
    } catch {
      return {};
    }
  };
  const record: IWalkerRunRecord = {
    kind: "walker",
    version: RUN_RECORD_VERSION,
    symbol: symbols === undefined ? options.symbol : symbols.join(", "),
    exchangeName: exchange.schema.exchangeName,
    interval: options.interval,
    periodStartMs: frame.startMs,
    periodEndMs: frame.endMs,
    walkerName: walker.walkerName,
    metric: result.metric,
    bestStrategy: result.bestStrategy,
    bestMetric: result.bestMetric,
    results: result.results.map((entry) => ({
      strategyName: entry.strategyName,
      status: entry.status,
      stats: entry.stats,
      metricValue: entry.metricValue,
      error: entry.error === null ? null : entry.error.message,
      problems: entry.problems,
      ...equityOf(entry.strategyName),
    })),
    config: { ...engine.getConfig() },
  };
  const markdown = renderRunReport(record);
  if (options.dumpDir !== undefined) {
    const paths = await dumpRun(options.dumpDir, record, markdown);
    io.stderr.write(`dump: ${paths.markdown}\n`);
  }
  if (account.htmlFile !== undefined) {
    const { writeHtmlReport } = await import("../htmlReport");
    await writeHtmlReport(account.htmlFile, record);
    io.stderr.write(`html: ${account.htmlFile}\n`);
  }
  const threw = record.results.filter(
    (entry) => entry.error !== null || strategyThrew(entry.status, entry.problems),
  );
  let problemText = "";
  for (const entry of record.results) {
    const lines = renderProblemLines(
      `${entry.strategyName} on ${record.symbol}`,
      entry.status,
      entry.problems,
      errorStacks?.stacks,
    );
    problemText += entry.error === null ? lines : `${lines}  run failed: ${entry.error}\n`;
  }
  const failure: RunFailure | null =
    threw.length > 0
      ? {
          kind: "threw",
          message: `bt walker: ${threw.length} of ${record.results.length} strategies threw while running (${threw.map((entry) => entry.strategyName).join(", ")}; see Problems) — hint: fix them; --verbose prints the stack of each error's first occurrence`,
        }
      : null;
  return { record, report: markdown, text: `${markdown}\n${renderRunSummary(record)}`, problemText, failure };
}
