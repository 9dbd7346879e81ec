// `bt live <strategy file>`: runs the strategy tick by tick with its state in the --persist adapter (fs by
// default), so a restarted process continues the same positions. On a ccxt venue the clock is the wall
// clock and --paper simulates fills (real orders use BT_API_KEY / BT_API_SECRET); on `--exchange file` it
// is a paper replay of recorded candles from --from at --speed. Start-up says which state, adapter,
// broker and clock the run uses and what it restored; Ctrl-C stops gracefully.

import { type IBroker, type ILogger, MINUTE_MS, SILENT_LOGGER } from "@bt/core";
import { getConfig, type ILiveClock, type ILiveState, readLiveState, wallClock } from "@bt/engine";
import { badInput, EXIT_FAILURE } from "../cliError";
import { createCliExchange, exchangeLabel } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { createCliPersist, describePersistLocation, parsePersistSpec } from "../cliPersist";
import { describeLiveState, isoMinute, lastCommittedTickMs } from "../describeLiveState";
import { assertDumpableName, engineReportStem } from "../dumpFileName";
import { cliEngine, registerStrategy } from "../engineSetup";
import { liveEventLine } from "../liveEventLine";
import { parseDate } from "../parseDate";
import { flagOption, type IParsedArgs, stringOption } from "../parsedArgs";
import { createReplayClock, describeReplaySpeed, parseReplaySpeed, type ReplaySpeed } from "../replayClock";
import { resolveRunOptions } from "../runOptions";
import { loadStrategyFile } from "../strategyFile";

/** The clock of a run and how it ends. */
interface ILiveTimeline {
  clock: ILiveClock;
  /** Epoch ms the run stops before, or undefined (until Ctrl-C). */
  stopAt: number | undefined;
  /** The start-up "clock:" line. */
  description: string;
  /** Printed when the run reaches stopAt. */
  endMessage: string;
}

/** A replay's parameters once checked against the data. */
interface IReplayPlan {
  startMs: number;
  speed: ReplaySpeed;
  stopAt: number;
  /** The data end, when it (not --until) ends the replay. */
  dataEndMs: number | null;
  /** A note on a --from moved into the data, or null. */
  note: string | null;
}

/** Engine log lines on stderr: info and warnings always, debug with --verbose (errors come from listenError). */
function stderrLogger(io: ICliIo, verbose: boolean): ILogger {
  return {
    debug: (message) => {
      if (verbose) io.stderr.write(`debug: ${message}\n`);
    },
    info: (message) => io.stderr.write(`info: ${message}\n`),
    warn: (message) => io.stderr.write(`warning: ${message}\n`),
    error: () => {},
  };
}

/** Runs `bt live` with its parsed arguments; returns the exit code. */
export async function runLiveCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one strategy file",
      "bt live <strategy file> [--paper]; see bt live --help",
    );
  }
  if (stringOption(args, "exchange") === undefined) args.values.exchange = "binance";
  if (stringOption(args, "to") !== undefined) {
    throw badInput("--to does not apply to live", "use --until <date> to end a live run");
  }
  const options = resolveRunOptions("live", args, io);
  const replay = options.exchange === "file";
  const paper = flagOption(args, "paper");
  if (!paper && typeof options.exchange === "object") {
    throw badInput(
      `--exchange ${options.exchange.module} is a module exchange: it needs --paper (real orders go through a ccxt venue)`,
      "add --paper, or use a ccxt --exchange such as binance for real orders",
    );
  }
  const speedText = stringOption(args, "speed");
  const untilText = stringOption(args, "until");
  const untilMs = untilText === undefined ? undefined : parseDate("--until", untilText);
  const apiKey = io.env.BT_API_KEY;
  const secret = io.env.BT_API_SECRET;
  if (replay) {
    if (!paper) {
      throw badInput(
        "--exchange file replays recorded candles: it needs --paper (no real order can be sent on a replay)",
        "add --paper, or use a ccxt --exchange such as binance for real orders",
      );
    }
    if (options.fromMs === undefined) {
      throw badInput(
        "--exchange file needs --from <date>: the replay clock starts there",
        "e.g. bt live <file> --exchange file --from 2025-01-02 --speed max --paper",
      );
    }
    if (untilMs !== undefined && untilMs <= options.fromMs) {
      throw badInput(
        `--until ${untilText} is not after --from ${stringOption(args, "from")}`,
        "the replay runs from --from to --until: give a later --until, or leave it out to replay to the end of the data",
      );
    }
  } else {
    for (const name of ["from", "speed", "data"]) {
      if (stringOption(args, name) !== undefined) {
        throw badInput(
          `--${name} applies to a replay (--exchange file) only, not to --exchange ${exchangeLabel(options.exchange)}`,
          "a ccxt exchange runs on the wall clock: use --until <date> to end it",
        );
      }
    }
    const nowMs = Date.now();
    if (untilMs !== undefined && untilMs <= nowMs) {
      throw badInput(
        `--until ${untilText} is in the past (now ${isoMinute(nowMs)})`,
        "give a later --until, or leave it out to run until Ctrl-C",
      );
    }
    if (!paper && (!apiKey || !secret)) {
      throw badInput(
        "live orders need BT_API_KEY and BT_API_SECRET",
        "set both, or pass --paper to simulate fills",
      );
    }
  }
  const speed = replay ? parseReplaySpeed(speedText ?? "1") : undefined;
  const persistSpec = parsePersistSpec(stringOption(args, "persist") ?? "fs");

  const engine = cliEngine();
  engine.reset();
  const strategy = await loadStrategyFile(file, io.cwd);
  // The name becomes the file name of the live report: checked before the first tick.
  if (options.dumpDir !== undefined) {
    assertDumpableName(
      `strategyName of ${file}`,
      strategy.strategyName,
      engineReportStem(strategy.strategyName),
    );
  }
  const exchange = await createCliExchange(options.exchange, { ...options, cwd: io.cwd, env: io.env });
  let plan: IReplayPlan | null = null;
  if (replay && options.fromMs !== undefined && speed !== undefined) {
    const bounds = await exchange.frameBounds(options.symbol);
    if (bounds === null) {
      throw badInput(
        `no candles of ${options.symbol} in ${options.dataDir}`,
        "pass --data <dir> with candle files",
      );
    }
    plan = planReplay(options.symbol, options.fromMs, untilMs, speed, bounds);
  }
  engine.addExchange(exchange.schema);
  registerStrategy(engine, strategy, file);
  let broker: IBroker | undefined;
  if (!paper) {
    const { createCcxtBroker } = await import("@bt/exchange-ccxt");
    broker = createCcxtBroker({ exchangeId: String(options.exchange), options: { apiKey, secret } });
  }
  const persist = await createCliPersist(
    persistSpec,
    options.stateDir,
    io.env,
    (message) => io.stderr.write(`warning: ${message}\n`),
    io.cwd,
  );
  const exchangeName = exchange.schema.exchangeName;
  let saved: ILiveState;
  try {
    saved = await readLiveState(persist, options.symbol, strategy.strategyName, exchangeName);
  } catch (error) {
    await persist.dispose();
    throw error;
  }
  const timeline = liveTimeline(plan, untilMs, lastCommittedTickMs(saved));

  io.stderr.write(
    `live: ${strategy.strategyName} on ${options.symbol} at ${exchangeLabel(options.exchange)}${paper ? " (paper)" : ""}; Ctrl-C stops\n`,
  );
  io.stderr.write(`  state folder: ${options.stateDir}\n`);
  io.stderr.write(`  persist:      ${describePersistLocation(persistSpec, options.stateDir, io.env)}\n`);
  io.stderr.write(
    `  broker:       ${paper ? "paper (fills simulated, no order is sent)" : `${options.exchange} (real orders, key from BT_API_KEY)`}\n`,
  );
  io.stderr.write(`  clock:        ${timeline.description}\n`);
  if (plan?.note) io.stderr.write(`  note:         ${plan.note}\n`);
  io.stderr.write(`  restored:     ${describeLiveState(saved)}\n`);

  let errorCount = 0;
  const stopErrors = engine.listenError((error) => {
    errorCount++;
    io.stderr.write(`error: ${error.message}\n`);
  });
  // The engine's own lines (restore, writer lease, lagging candles) reach the user as they happen.
  engine.setLogger(stderrLogger(io, args.values.verbose === true));
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const context = { strategyName: strategy.strategyName, exchangeName };
    for await (const result of engine.Live.run(options.symbol, context, {
      persist,
      broker,
      clock: timeline.clock,
      stopAt: timeline.stopAt,
      handleProcessSignals: true,
    })) {
      io.stdout.write(`${options.json ? JSON.stringify(result) : liveEventLine(result)}\n`);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    stopErrors();
    engine.setLogger(SILENT_LOGGER);
    await persist.dispose();
  }
  const reachedEnd = timeline.stopAt !== undefined && timeline.clock.now() >= timeline.stopAt;
  if (reachedEnd && !interrupted) io.stderr.write(`${timeline.endMessage}\n`);
  if (!options.json) io.stdout.write(`\n${engine.Live.getReport(options.symbol, strategy.strategyName)}`);
  if (options.dumpDir !== undefined) {
    const path = await engine.Live.dump(options.symbol, strategy.strategyName, { dir: options.dumpDir });
    io.stderr.write(`dump: ${path}\n`);
  }
  // A run that ended by itself (not by Ctrl-C, --until or the end of the replay) after errors failed.
  return errorCount > 0 && !reachedEnd && !interrupted ? EXIT_FAILURE : 0;
}

/**
 * Checks a replay against the data of `symbol`: --from inside the data (a start within the minutes that
 * price the first tick moves to the first priced minute), the end at --until or the data's end.
 * @throws CliError (exit 2) naming --from when it is outside the data.
 */
function planReplay(
  symbol: string,
  fromMs: number,
  untilMs: number | undefined,
  speed: ReplaySpeed,
  bounds: { startMs: number; endMs: number },
): IReplayPlan {
  const covered = `the data of ${symbol} covers ${isoMinute(bounds.startMs)} … ${isoMinute(bounds.endMs)}`;
  const pricingMs = getConfig().CC_AVG_PRICE_CANDLES_COUNT * MINUTE_MS;
  let startMs = fromMs;
  let note: string | null = null;
  if (startMs < bounds.startMs) {
    if (startMs < bounds.startMs - pricingMs) {
      throw badInput(
        `--from ${isoMinute(fromMs)} is before the data`,
        `${covered}; use a later --from or --data <dir>`,
      );
    }
    note = `the replay starts at ${isoMinute(bounds.startMs)}: the first ${pricingMs / MINUTE_MS} minutes of data price the first tick`;
    startMs = bounds.startMs;
  }
  if (startMs >= bounds.endMs) {
    throw badInput(
      `--from ${isoMinute(fromMs)} is after the data`,
      `${covered}; use an earlier --from or --data <dir>`,
    );
  }
  const untilEnds = untilMs !== undefined && untilMs <= bounds.endMs;
  return {
    startMs,
    speed,
    stopAt: untilEnds ? untilMs : bounds.endMs,
    dataEndMs: untilEnds ? null : bounds.endMs,
    note,
  };
}

/** The run's clock: the wall clock, or the replay clock from --from (or after the restored last tick). */
function liveTimeline(
  plan: IReplayPlan | null,
  untilMs: number | undefined,
  lastTickMs: number | null,
): ILiveTimeline {
  if (plan === null) {
    return {
      clock: wallClock,
      stopAt: untilMs,
      description: `wall clock, ${untilMs === undefined ? "until Ctrl-C" : `until ${isoMinute(untilMs)} (--until)`}`,
      endMessage: `live: reached --until ${untilMs === undefined ? "" : isoMinute(untilMs)}; stopped`,
    };
  }
  // A state that already ticked past --from resumes after its last tick instead of waiting through
  // minutes the engine would skip as committed.
  const resumeMs =
    lastTickMs !== null && lastTickMs >= plan.startMs
      ? Math.floor(lastTickMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS
      : null;
  const startMs = Math.min(resumeMs ?? plan.startMs, plan.stopAt);
  const ends =
    plan.dataEndMs === null
      ? `until ${isoMinute(plan.stopAt)} (--until)`
      : `until the data ends at ${isoMinute(plan.dataEndMs)}`;
  const from =
    resumeMs === null
      ? `from ${isoMinute(startMs)}`
      : `from ${isoMinute(startMs)} (the restored state's last committed tick is ${isoMinute(lastTickMs ?? startMs)}, after --from ${isoMinute(plan.startMs)})`;
  return {
    clock: createReplayClock(startMs, plan.speed),
    stopAt: plan.stopAt,
    description: `replay ${from} at ${describeReplaySpeed(plan.speed)}, ${ends}`,
    endMessage:
      plan.dataEndMs === null
        ? `live: replay reached --until ${isoMinute(plan.stopAt)}; stopped`
        : `live: replay reached the end of the data at ${isoMinute(plan.dataEndMs)}; stopped`,
  };
}
