// runCli(argv): the whole `bt` program as a function. Parses the command line with commander
// (commandLine.ts), loads the one command module that runs, turns errors into one line on stderr
// (message and hint, then any detail such as a code frame; the stack only with --verbose) and returns
// the exit code: 0 success, 1 runtime failure, 2 bad input.

import { EXIT_BAD_INPUT } from "./cliError";
import { failureText } from "./cliFailure";
import { type ICliIo, processIo } from "./cliIo";
import { cliVersion } from "./cliVersion";
import {
  buildProgram,
  CommanderError,
  type CommandName,
  fromCommanderError,
  lastExitCode,
  liftGlobalFlags,
} from "./commandLine";
import type { IParsedArgs } from "./parsedArgs";

type Command = (args: IParsedArgs, io: ICliIo) => Promise<number>;

// Each command module is imported only when its command runs, so `bt backtest` does not parse (or
// load the dependencies of) live, walker, report, init and worker before it reads its first candle.
const COMMANDS: Readonly<Record<Exclude<CommandName, "worker">, () => Promise<Command>>> = {
  backtest: async () => (await import("./commands/backtest")).runBacktestCommand,
  walker: async () => (await import("./commands/walker")).runWalkerCommand,
  sweep: async () => (await import("./commands/sweep")).runSweepCommand,
  optimize: async () => (await import("./commands/optimize")).runOptimizeCommand,
  walkforward: async () => (await import("./commands/walkforward")).runWalkForwardCommand,
  live: async () => (await import("./commands/live")).runLiveCommand,
  report: async () => (await import("./commands/report")).runReportCommand,
  data: async () => (await import("./commands/data")).runDataCommand,
  init: async () => (await import("./commands/init")).runInitCommand,
  generate: async () => (await import("./commands/generate")).runGenerateCommand,
  mcp: async () => (await import("./commands/mcp")).runMcpCommand,
};

/** The top-level help of `bt` (what `bt --help` prints). */
export function mainHelp(): string {
  return buildProgram(processIo(), cliVersion(), async () => 0).helpInformation();
}

/**
 * Runs the bt command line (`argv` without node and the script) and returns the exit code.
 * @example process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], io: ICliIo = processIo()): Promise<number> {
  const verbose = argv.includes("--verbose");
  const lifted = liftGlobalFlags(argv);
  const name = lifted[0];
  const label =
    name !== undefined && !name.startsWith("-") && (name in COMMANDS || name === "worker")
      ? `bt ${name}`
      : "bt";
  try {
    if (name === undefined) {
      io.stdout.write(buildProgram(io, cliVersion(), async () => 0).helpInformation());
      return EXIT_BAD_INPUT;
    }
    if (name === "-v" && lifted.length === 1) {
      io.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    if (name === "worker") {
      // @bt/cluster parses the worker's options itself.
      const { runWorkerCommand } = await import("./commands/worker");
      return await runWorkerCommand(lifted.slice(1), io);
    }
    // A known command name first: only that command is declared (help and suggestions of it still work).
    const only = name in COMMANDS ? (name as CommandName) : undefined;
    const program = buildProgram(
      io,
      cliVersion(),
      async (command, args) => {
        const run = await COMMANDS[command as Exclude<CommandName, "worker">]();
        if (args.values.json !== true) return run(args, io);
        // Under --json stdout is exactly the JSON: a strategy's console output goes to stderr.
        const { redirectConsoleToStderr } = await import("./consoleToStderr");
        const restore = redirectConsoleToStderr(io.stderr);
        try {
          return await run(args, io);
        } finally {
          restore();
        }
      },
      only,
    );
    try {
      await program.parseAsync(lifted, { from: "user" });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      const outcome = fromCommanderError(error, lifted);
      if (typeof outcome === "number") return outcome;
      throw outcome;
    }
    return lastExitCode(program);
  } catch (error) {
    const { text, exitCode } = failureText(label, error);
    io.stderr.write(text);
    if (verbose && error instanceof Error) {
      let current: unknown = error;
      while (current instanceof Error) {
        io.stderr.write(`${current.stack ?? current.message}\n`);
        current = current.cause;
        if (current instanceof Error) io.stderr.write("caused by: ");
      }
    }
    return exitCode;
  }
}
