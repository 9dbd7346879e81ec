// runCli(argv): the whole `bt` program as a function. Dispatches to a command, turns errors into one
// line on stderr (message and hint; the stack only with --verbose) and returns the exit code:
// 0 success, 1 runtime failure, 2 bad input.

import { BtError } from "@bt/core";
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE } from "./cliError";
import { type ICliIo, processIo } from "./cliIo";

/** Top-level help of `bt`. */
export const MAIN_HELP = `Usage: bt <command> [options]

Backtest, compare and run trading strategies written as TypeScript or JavaScript files.

Commands:
  backtest <strategy file>   backtest one strategy, print its report and a summary
  walker <walker file>       backtest several strategies and rank them
  live <strategy file>       trade on wall-clock time (--paper to simulate), or replay
                             candle files on paper (--exchange file --from <date>)
  report <run.json | dir>    render reports of a previous run (--json output or --dump folder)
  data import <dir>          import candle files into the candle cache
  init <dir>                 scaffold a project that runs at once, offline
  worker                     consume parameter-sweep jobs from Redis (@bt/cluster)

Run \`bt <command> --help\` for options and examples. Exit codes: 0 ok, 1 runtime failure, 2 bad input.

Examples:
  bt backtest examples/strategies/smaCrossover.ts --symbol BTCUSDT
  bt walker examples/strategies/smaWalker.ts --json
  bt init my-strategies
`;

type Command = (argv: string[], io: ICliIo) => Promise<number>;

// Each command module is imported only when its command runs, so `bt backtest` does not parse (or
// load the dependencies of) live, walker, report, init and worker before it reads its first candle.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  backtest: async () => (await import("./commands/backtest")).runBacktestCommand,
  walker: async () => (await import("./commands/walker")).runWalkerCommand,
  live: async () => (await import("./commands/live")).runLiveCommand,
  report: async () => (await import("./commands/report")).runReportCommand,
  data: async () => (await import("./commands/dataImport")).runDataCommand,
  init: async () => (await import("./commands/init")).runInitCommand,
  worker: async () => (await import("./commands/worker")).runWorkerCommand,
};

// Engine codes that mean the user's input (strategy schema, signal shape, config) is wrong.
const BAD_INPUT_CODES = new Set(["SCHEMA", "CONFIG"]);

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function describeFailure(error: unknown): { message: string; hint: string; exitCode: number } {
  if (error instanceof CliError) {
    return { message: error.message, hint: error.hint ?? "", exitCode: error.exitCode };
  }
  if (BtError.isInstance(error)) {
    const hints: Record<string, string> = {
      CANDLES: "check that the data covers the frame (--from/--to, --data) without gaps",
      EXCHANGE: "check the symbol, the network and the exchange name",
      PERSIST: "check the --persist adapter (folder permissions, BT_REDIS_URL, BT_MONGO_URL)",
    };
    return {
      message: `${error.code}: ${error.message}`,
      hint: hints[error.code] ?? "run with --verbose for the stack",
      exitCode: BAD_INPUT_CODES.has(error.code) ? EXIT_BAD_INPUT : EXIT_FAILURE,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, hint: "run with --verbose for the stack", exitCode: EXIT_FAILURE };
}

/**
 * Runs the bt command line (`argv` without node and the script) and returns the exit code.
 * @example process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], io: ICliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = argv.includes("--verbose");
  const label = name !== undefined && Object.hasOwn(COMMANDS, name) ? `bt ${name}` : "bt";
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.stdout.write(MAIN_HELP);
      return name === undefined ? EXIT_BAD_INPUT : 0;
    }
    if (name === "--version" || name === "-v") {
      io.stdout.write(`${await cliVersion()}\n`);
      return 0;
    }
    const loadCommand = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (loadCommand === undefined) {
      throw new CliError(`unknown command ${JSON.stringify(name)}`, {
        hint: `commands: ${Object.keys(COMMANDS).join(", ")}; see bt --help`,
      });
    }
    const command = await loadCommand();
    return await command(rest, io);
  } catch (error) {
    const { message, hint, exitCode } = describeFailure(error);
    io.stderr.write(`${label}: ${oneLine(message)}${hint === "" ? "" : ` — hint: ${oneLine(hint)}`}\n`);
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

/** The version of @bt/cli. */
export async function cliVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const manifest = JSON.parse(await readFile(new URL(candidate, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "@bt/cli") return manifest.version ?? "0.0.0";
    } catch {
      // Try the next layout (dist/ or src/).
    }
  }
  return "unknown";
}
