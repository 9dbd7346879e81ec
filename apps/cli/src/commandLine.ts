// The `bt` command line on commander: every command, its arguments, options and help text, declared
// here without importing any command's code (each command module is loaded only when it runs). Adds
// what commander leaves to the program: a value option given twice is bad input naming both values, and
// the global flags (--verbose, --json, --help) are accepted before the command name too.

import { Command, CommanderError, Option } from "commander";
import { badInput, type CliError } from "./cliError";
import type { ICliIo } from "./cliIo";
import type { IParsedArgs } from "./parsedArgs";

/** Names of the commands `bt` dispatches to (worker hands its arguments to @bt/cluster's own parser). */
export const COMMAND_NAMES = [
  "backtest",
  "walker",
  "sweep",
  "optimize",
  "walkforward",
  "live",
  "report",
  "data",
  "init",
  "generate",
  "mcp",
  "worker",
] as const;

/** One of COMMAND_NAMES. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Runs a parsed command and resolves to its exit code. */
export type CommandRunner = (name: CommandName, args: IParsedArgs) => Promise<number>;

// Flags that mean the same on every command and may therefore stand before the command name.
const GLOBAL_FLAGS = new Set(["--verbose", "--json", "--help", "-h"]);

const EXIT_CODES_TEXT = "Exit codes: 0 ok, 1 runtime failure, 2 bad input.";

/** A value option's parser that refuses a second occurrence, naming the flag and both values. */
function once(flag: string): (value: string, previous: string | undefined) => string {
  return (value, previous) => {
    if (previous !== undefined) {
      throw badInput(
        `${flag} given twice (${JSON.stringify(previous)} and ${JSON.stringify(value)})`,
        `give ${flag} once`,
      );
    }
    return value;
  };
}

/** A value option `--name <value>` (with an optional short flag) that may be given once. */
function valueOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  return option.argParser(once(`--${option.attributeName()}`));
}

function addRunOptions(command: Command, exchangeText: string): Command {
  return addDataOptions(
    command.addOption(valueOption("-s, --symbol <symbol>", "symbol to trade (default BTCUSDT)")),
    exchangeText,
  );
}

/** Where candles come from and the frame: --exchange, --from, --to, --interval, --data, --state, --offline. */
function addDataOptions(command: Command, exchangeText: string): Command {
  return command
    .addOption(valueOption("-e, --exchange <name>", exchangeText))
    .addOption(
      valueOption(
        "--from <date>",
        "frame start, YYYY-MM-DD or ISO 8601, UTC when no offset (file: default the start of the data)",
      ),
    )
    .addOption(valueOption("--to <date>", "frame end, exclusive (file: default the end of the data)"))
    .addOption(valueOption("--interval <interval>", "frame tick interval (default 1m)"))
    .addOption(
      valueOption(
        "--data <dir>",
        "candle files for --exchange file (default: the bundled synthetic sample data)",
      ),
    )
    .addOption(valueOption("--state <dir>", "bt's working folder (default ./.bt-data or $BT_STATE_DIR)"))
    .option(
      "--offline",
      "a ccxt venue reads its candle cache (bt data import / download) only: a missing day fails at once, naming it",
    );
}

const EXCHANGE_TEXT =
  "file (default: candle files of --data), binance, bybit, okx, kucoin, kraken (ccxt; candles cached under <state>/candles), or ./myExchange.ts (a module exporting an IExchangeSchema or a factory of one)";

const PERSIST_TEXT =
  "fs (<state>/persist) | redis ($BT_REDIS_URL) | mongo ($BT_MONGO_URL) | postgres ($BT_PG_URL) | ./myAdapter.ts (a module whose default export or createPersist is a persistence adapter factory)";

/** The costs and account flags of backtest and walker. */
function addAccountOptions(command: Command): Command {
  return addCostOptions(command)
    .addOption(
      valueOption("--html <file>", "also write a self-contained HTML report (charts, trades, statistics)"),
    )
    .addOption(
      valueOption(
        "--symbols <list>",
        "a portfolio run: comma-separated symbols sharing one account (instead of --symbol)",
      ),
    )
    .addOption(
      valueOption(
        "--max-positions <n>",
        "portfolio: open positions at once across the symbols (default: one per symbol); unsized signals stake balance / n",
      ),
    );
}

/** --fee, --slippage, --balance and --warmup: what every backtest of a run is charged and starts with. */
function addCostOptions(command: Command): Command {
  return command
    .addOption(valueOption("--fee <percent>", "fee per side in percent (default 0.1)"))
    .addOption(valueOption("--slippage <percent>", "slippage per side in percent (default 0.1)"))
    .addOption(valueOption("--balance <amount>", "account balance in quote currency (default 10000)"))
    .addOption(
      valueOption(
        "--warmup <minutes>",
        "minutes of candles loaded before the frame start (default: what the strategy declares)",
      ),
    );
}

const GAPS_TEXT = "missing 1m candles inside the data: error (default) or fill (flat zero-volume candles)";

/** Where a sweep or study runs and its run id: --threads, --cluster, --redis, --queue, --run-id, --journal. */
function addSweepRunnerOptions(command: Command, journalFolder: string, queue: string): Command {
  return command
    .addOption(
      valueOption("--threads <n>", "worker threads (default: available cores); 1 runs in this process"),
    )
    .option("--cluster", "enqueue the backtests for bt worker processes on Redis (needs candle files)")
    .addOption(
      valueOption(
        "--redis <url>",
        "with --cluster: Redis URL (default $BT_REDIS_URL or redis://127.0.0.1:6379)",
      ),
    )
    .addOption(
      valueOption("--queue <name>", `with --cluster: the queue the workers consume (default ${queue})`),
    )
    .addOption(
      valueOption(
        "--run-id <id>",
        "the run to resume (printed at the start of every run); default a new id. On --cluster also the cluster run id",
      ),
    )
    .addOption(
      valueOption("--journal <file>", `the run's journal (default <state>/${journalFolder}/<run-id>.jsonl)`),
    );
}

/** --mc-runs and --baseline-runs: the robustness checks of a best run (sweep, optimize). */
function addRobustnessOptions(command: Command): Command {
  return command
    .addOption(
      valueOption(
        "--mc-runs <n>",
        "Monte Carlo runs per method for the best run's robustness (default 1000)",
      ),
    )
    .addOption(
      valueOption(
        "--baseline-runs <n>",
        "random-entry baseline runs per symbol, in this process (default 100; 0 skips; 0 with --mc-runs 0 skips robustness)",
      ),
    );
}

/** The options of a study (bt optimize, bt walkforward) over its space file's fields. */
function addStudyOptions(command: Command): Command {
  return command
    .addOption(
      valueOption(
        "--symbols <list>",
        "comma-separated symbols, each backtested per trial; the objective is their mean (default: the file's, else BTCUSDT)",
      ),
    )
    .addOption(
      valueOption("--trials <n>", "trials of the study (default: the file's, else 50); may grow on resume"),
    )
    .addOption(valueOption("--sampler <kind>", "tpe (default), random or grid"))
    .addOption(valueOption("--seed <seed>", "the study's seed (default: the file's, else 1)"))
    .addOption(
      valueOption(
        "--objective <metric>",
        `what the study maximises: a ranking metric or profitDrawdown (default: the file's, else sharpeRatio; lower-is-better metrics are negated)`,
      ),
    )
    .addOption(valueOption("--min-trades <n>", "runs with fewer closed trades score N/A (default 1)"))
    .addOption(
      valueOption("--drawdown-penalty <x>", "λ of profitDrawdown = totalPnl − λ · maxDrawdown (default 1)"),
    )
    .addOption(
      valueOption(
        "--batch <n>",
        "trials sampled together and run as one sweep (default: the file's, else 8)",
      ),
    )
    .addOption(valueOption("--gaps <policy>", GAPS_TEXT));
}

function commonTail(command: Command): Command {
  return command.option("--verbose", "print stacks of errors").helpOption("-h, --help", "show this help");
}

/**
 * Builds the program; `run` receives the command name and its parsed arguments. With `only`, just that
 * command is declared (the one argv names): the others are needed only for help and suggestions.
 */
export function buildProgram(io: ICliIo, version: string, run: CommandRunner, only?: CommandName): Command {
  const program = new Command("bt")
    .description("Backtest, compare and run trading strategies written as TypeScript or JavaScript files.")
    .usage("<command> [options]")
    .version(version, "-V, --version", "print the version of bt")
    .helpOption("-h, --help", "show this help")
    .helpCommand("help [command]", "show the help of a command")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Help shown for a usage error (`bt data`) goes to stderr; error messages become CliErrors instead.
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .addHelpText(
      "after",
      `
Global flags --verbose, --json (where a command has it) and --help may stand anywhere.
Run \`bt <command> --help\` for options and examples. ${EXIT_CODES_TEXT}

Examples:
  bt backtest examples/strategies/smaCrossover.ts --symbol BTCUSDT
  bt walker examples/strategies/smaWalker.ts --json
  bt sweep examples/strategies/sma.grid.ts --threads 2
  bt optimize examples/strategies/sma.space.ts --trials 40
  bt walkforward examples/strategies/sma.space.ts --folds 2
  bt init my-strategies
  bt generate examples/strategies/llm.optimizer.ts --model qwen2.5-coder:7b
  bt mcp --root .                  # an MCP server (stdio) of the read-only tools, for an agent
`,
    );
  const configure = (command: Command) =>
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    });
  const action =
    (name: CommandName) =>
    async (...params: unknown[]): Promise<void> => {
      // commander passes the positionals, then the options object, then the command.
      const command = params[params.length - 1] as Command;
      const positionals = (params.slice(0, -2) as Array<string | string[] | undefined>)
        .flat()
        .filter((value): value is string => typeof value === "string");
      const values = command.opts() as IParsedArgs["values"];
      exitCodes.set(program, await run(name, { values, positionals }));
    };

  // Each command is declared only when it is the one to run (or for help and suggestions: all of them).
  const definitions: Record<CommandName, () => void> = {
    backtest: () => {
      const backtest = addRunOptions(
        configure(
          program.command("backtest").summary("backtest one strategy, print its report and a summary"),
        ),
        EXCHANGE_TEXT,
      )
        .description(
          "Backtests the strategy a file default-exports (TypeScript or JavaScript, no build step) and prints its markdown report and a summary table. Progress goes to stderr.",
        )
        .argument(
          "<strategy file>",
          "a file whose default export is a strategy ({ strategyName, interval, getSignal })",
        )
        .addOption(
          valueOption(
            "--persist <adapter>",
            `record the signal lifecycle in a store's backtest namespace: ${PERSIST_TEXT}`,
          ),
        )
        .addOption(valueOption("--gaps <policy>", GAPS_TEXT))
        .option(
          "--json",
          "print a JSON record on stdout instead of markdown (strategy console output goes to stderr)",
        )
        .addOption(valueOption("--dump <dir>", "also write <dir>/backtest/<strategy>.md and .json"));
      addAccountOptions(backtest);
      commonTail(backtest)
        .addHelpText(
          "after",
          `
Problems (strategy errors, validation and risk rejections, cancelled scheduled signals) are printed on
stderr and in the report's Problems section. Exit codes: 0 ok (also when every signal was rejected),
1 the strategy threw while running or a runtime failure, 2 bad input (arguments, files, candle data).

Examples:
  bt backtest examples/strategies/smaCrossover.ts --symbol BTCUSDT
  bt backtest ./my.strategy.ts --symbol ETHUSDT --from 2025-01-10 --to 2025-01-20 --dump ./dump
  bt backtest ./my.strategy.ts --exchange binance --symbol BTCUSDT --from 2024-06-01 --to 2024-07-01
  bt backtest ./my.strategy.ts --persist postgres --json > run.json && bt report run.json
`,
        )
        .action(action("backtest"));
    },
    walker: () => {
      const walker = addRunOptions(
        configure(program.command("walker").summary("backtest several strategies and rank them")),
        EXCHANGE_TEXT,
      )
        .description(
          "Backtests every strategy a walker file lists on the same symbol and frame and ranks them by the walker's metric. A walker file default-exports { walkerName?, metric?, strategies: [...] }.",
        )
        .argument("<walker file>", "a file whose default export is a walker")
        .addOption(valueOption("--gaps <policy>", GAPS_TEXT))
        .option(
          "--json",
          "print a JSON record on stdout instead of markdown (strategy console output goes to stderr)",
        )
        .addOption(valueOption("--dump <dir>", "also write <dir>/walker/<walkerName>.md and .json"));
      addAccountOptions(walker);
      commonTail(walker)
        .addHelpText(
          "after",
          `
A strategy that threw is listed as failed and is never best.
Exit codes: 0 ok, 1 any strategy threw (or a runtime failure), 2 bad input.

Examples:
  bt walker examples/strategies/smaWalker.ts --symbol BTCUSDT
  bt walker ./grid.ts --symbol ETHUSDT --from 2025-01-05 --to 2025-01-25 --json
`,
        )
        .action(action("walker"));
    },
    sweep: () => {
      const sweep = addDataOptions(
        configure(
          program
            .command("sweep")
            .summary("backtest every parameter set of a grid on every symbol, rank them (resumable)"),
        ),
        `${EXCHANGE_TEXT}; worker threads and --cluster read candle files (file), another exchange runs with --threads 1`,
      )
        .description(
          "Backtests every parameter set of a grid file on every symbol, on worker threads (default: one per core), in this process (--threads 1) or on `bt worker` processes (--cluster), and prints a ranking per symbol. A grid file (JSON, or a .ts/.js module default-exporting the object) is { strategy: \"./factory.ts\" | { module, exportName?, name? }, params: { key: [values] } | [{ key: value }], symbols?, from?, to?, interval?, metric?, name? }; the strategy module's export is (params) => strategy schema. Paths resolve against the grid file's folder; flags override its fields. Every finished backtest is journaled, so a killed run resumes with --run-id.",
        )
        .argument("<grid file>", "a .json, .ts, .js or .mjs grid file")
        .addOption(
          valueOption(
            "--symbols <list>",
            "comma-separated symbols, each ranked on its own (default: the grid's, else BTCUSDT)",
          ),
        )
        .addOption(valueOption("--metric <metric>", "ranking metric (default: the grid's, else sharpeRatio)"))
        .addOption(valueOption("--gaps <policy>", GAPS_TEXT));
      addRobustnessOptions(sweep);
      addSweepRunnerOptions(sweep, "sweeps", "bt-sweep")
        .addOption(
          valueOption(
            "--top <n>",
            "ranked rows shown per symbol (default 20); failed ones are always listed",
          ),
        )
        .option("--json", "print the result (rankings of every entry, the run id) as JSON on stdout")
        .addOption(
          valueOption("--dump <dir>", "also write <dir>/sweep/<name>.json (the whole result) and .txt"),
        );
      addCostOptions(sweep);
      commonTail(sweep)
        .addHelpText(
          "after",
          `
The run id and the command that resumes the run are printed on stderr first; a rerun with the same
--run-id (and the same grid file and flags) runs only the backtests the journal lacks.
A failed backtest is listed as failed with its error and never ranked.
Exit codes: 0 ok, 1 any backtest failed (or a runtime failure), 2 bad input.

Examples:
  bt sweep examples/strategies/sma.grid.ts
  bt sweep examples/strategies/sma.grid.ts --symbols BTCUSDT,ETHUSDT --metric totalPnl --top 5
  bt sweep ./grid.json --from 2025-01-05 --to 2025-01-25 --threads 1 --json > sweep.json
  bt sweep ./grid.ts --run-id 3f2a9c                       # resume a killed run
  bt sweep ./grid.ts --cluster --queue nightly --data ./candles   # with: bt worker --queue nightly
`,
        )
        .action(action("sweep"));
    },
    optimize: () => {
      const optimize = addDataOptions(
        configure(
          program
            .command("optimize")
            .summary("optimise a strategy's parameters over a search space (TPE, random or grid; resumable)"),
        ),
        `${EXCHANGE_TEXT}; worker threads and --cluster read candle files (file), another exchange runs with --threads 1`,
      )
        .description(
          'Runs an optimisation study: trials sampled from a search space in batches (TPE by default), each backtested on every symbol on worker threads (default: one per core), in this process (--threads 1) or on `bt worker` processes (--cluster); then checks the best run\'s robustness (Monte Carlo, deflated Sharpe ratio, random-entry baseline) and prints the study report. A space file (JSON, or a .ts/.js module default-exporting the object) is { strategy: "./factory.ts" | { module, exportName?, name? }, space: { key: { type: "int" | "float", low, high, step?, log? } | { type: "categorical", choices } | [choices] }, trials?, sampler?, seed?, objective?: { metric?, minTrades?, drawdownPenalty? }, batchSize?, symbols?, from?, to?, interval?, name? }. Flags override its fields. Every finished trial is journaled, so a killed study resumes with --run-id.',
        )
        .argument("<space file>", "a .json, .ts, .js or .mjs space file");
      addStudyOptions(optimize);
      addRobustnessOptions(optimize);
      addSweepRunnerOptions(optimize, "studies", "bt-sweep")
        .addOption(
          valueOption("--top <n>", "best trials shown (default 10); every trial is listed below them"),
        )
        .option("--json", "print the study (trials, ranking, best, importance, robustness, run id) as JSON")
        .addOption(
          valueOption("--dump <dir>", "also write <dir>/optimize/<name>.json (the whole result) and .md"),
        );
      addCostOptions(optimize);
      commonTail(optimize)
        .addHelpText(
          "after",
          `
The same seed and batch size give the same trials on any runner and thread count. The run id and the
command that resumes the study are printed on stderr first; a rerun with the same --run-id (same file
and flags; --trials may grow) runs only the trials the journal lacks. A failed trial is listed as
failed and never ranked; an objective that cannot be computed is N/A with its reason.
Exit codes: 0 ok, 1 any trial failed (or a runtime failure), 2 bad input.

Examples:
  bt optimize examples/strategies/sma.space.ts
  bt optimize examples/strategies/sma.space.ts --trials 40 --seed 7 --objective profitDrawdown --min-trades 5
  bt optimize ./space.json --sampler random --batch 4 --threads 2 --json > study.json
  bt optimize ./space.ts --run-id 3f2a9c --trials 80          # resume (and extend) a study
  bt optimize ./space.ts --cluster --queue nightly --data ./candles   # with: bt worker --queue nightly
`,
        )
        .action(action("optimize"));
    },
    walkforward: () => {
      const walkforward = addDataOptions(
        configure(
          program
            .command("walkforward")
            .summary("walk-forward optimisation: a study per train window, its winner out of sample"),
        ),
        `${EXCHANGE_TEXT}; worker threads and --cluster read candle files (file), another exchange runs with --threads 1`,
      )
        .description(
          "Cuts the frame into folds (rolling or anchored train windows, each followed by its test window), runs an optimisation study on every train window, backtests its winner on the test window and stitches the out-of-sample trades of all folds. Takes the space file of bt optimize (see bt optimize --help) and its flags. Each fold's study is journaled, so a killed run resumes with --run-id.",
        )
        .argument("<space file>", "a .json, .ts, .js or .mjs space file")
        .addOption(valueOption("--folds <k>", "number of folds (test windows), default 4"))
        .addOption(
          valueOption(
            "--mode <mode>",
            "rolling (default: a train window of --train before each test) or anchored (train from the start)",
          ),
        )
        .addOption(
          valueOption("--train <duration>", "train window length, e.g. 7d, 12h, 90m (default: derived)"),
        )
        .addOption(
          valueOption(
            "--test <duration>",
            "test window length, e.g. 2d (default: derived, train = 4 × test)",
          ),
        );
      addStudyOptions(walkforward);
      addSweepRunnerOptions(walkforward, "studies", "bt-sweep")
        .option("--json", "print the folds, their studies and the stitched out-of-sample result as JSON")
        .addOption(
          valueOption("--dump <dir>", "also write <dir>/walkforward/<name>.json (the whole result) and .md"),
        );
      addCostOptions(walkforward);
      commonTail(walkforward)
        .addHelpText(
          "after",
          `
Efficiency = out-of-sample total PnL per day / in-sample total PnL per day (N/A with its reason when
the in-sample return is ≤ 0 or a run failed). Nothing of a test window is seen in its training.
Exit codes: 0 ok, 1 any trial or test run failed (or a runtime failure), 2 bad input.

Examples:
  bt walkforward examples/strategies/sma.space.ts --folds 2
  bt walkforward ./space.ts --folds 4 --mode anchored --test 3d --trials 30 --json > wf.json
  bt walkforward ./space.ts --folds 3 --train 10d --test 2d --run-id wf1   # rerun to resume
`,
        )
        .action(action("walkforward"));
    },
    live: () => {
      const live = addRunOptions(
        configure(
          program
            .command("live")
            .summary("trade on wall-clock time (--paper to simulate), or replay candle files on paper"),
        ),
        "binance (default), bybit, okx, kucoin, kraken, file (replay the candle files of --data; paper only, needs --from), or ./myExchange.ts",
      )
        .description(
          "Runs the strategy live, one tick per minute, persisting its state (fs by default) so a restarted process continues the same positions. With --exchange file it is a paper replay of recorded candles that starts at --from. Ctrl-C stops after the current tick and prints the live report.",
        )
        .argument("<strategy file>", "a file whose default export is a strategy")
        .addOption(valueOption("--persist <adapter>", PERSIST_TEXT))
        .option("--paper", "paper trading: fills are simulated, no order is sent")
        .addOption(
          valueOption(
            "--until <date>",
            "stop before the first tick at or after this time (default: until Ctrl-C; replay: the end of the data)",
          ),
        )
        .addOption(
          valueOption("--speed <N|max>", "replay only: N times real time (default 1) or max (no waiting)"),
        )
        .option("--json", "print each result as one JSON line (strategy console output goes to stderr)")
        .addOption(valueOption("--dump <dir>", "write <dir>/live/<strategy>.md when the run ends"));
      commonTail(live)
        .addHelpText(
          "after",
          `
Real orders (without --paper) use the API key in BT_API_KEY and BT_API_SECRET.
Exit codes: 0 ok, 1 the run ended by itself after errors, 2 bad input (an --until in the past included).

Examples:
  bt live ./my.strategy.ts --exchange binance --symbol BTCUSDT --paper
  bt live ./my.strategy.ts --paper --persist redis --until 2025-06-01T18:00Z
  bt live examples/strategies/smaCrossover.ts --exchange file --from 2025-01-02 --until 2025-01-05 \\
    --speed max --paper --state ./replay-state
`,
        )
        .action(action("live"));
    },
    report: () => {
      const report = configure(
        program
          .command("report")
          .summary("render reports of a previous run (--json output or --dump folder)"),
      )
        .description(
          "Renders the markdown report of a previous run from its JSON record: the output of --json, or the .json files --dump wrote (a folder is searched for backtest/*.json, portfolio/*.json and walker/*.json).",
        )
        .argument("<run.json | dump dir>", "a record file or a dump folder")
        .addOption(valueOption("--out <file>", "write the markdown to a file (atomically) instead of stdout"))
        .option("--summary", "print the terminal summary table instead of markdown")
        .addOption(
          valueOption(
            "--html <file>",
            "write the self-contained HTML report of one record instead (charts need a record from --dump or --html)",
          ),
        );
      commonTail(report)
        .addHelpText(
          "after",
          `
Examples:
  bt backtest examples/strategies/smaCrossover.ts --json > run.json && bt report run.json
  bt backtest examples/strategies/smaCrossover.ts --dump ./dump && bt report ./dump --out report.md
`,
        )
        .action(action("report"));
    },
    data: () => {
      const data = configure(
        program.command("data").summary("import, download, list and check candle data (the candle cache)"),
      )
        .description(
          "Candle data commands: the candle cache under <state>/candles, which --exchange <venue> reads.",
        )
        .usage("import|download|list|check [options]")
        .helpOption("-h, --help", "show this help")
        .addHelpText(
          "after",
          `
Examples:
  bt data import ./binance-dumps
  bt data download --exchange binance --symbols BTC/USDT,ETH/USDT --from 2025-06-01 --to 2025-07-01
  bt data list
  bt data check --symbol BTCUSDT
  bt backtest strategy.ts --exchange binance --from 2025-06-01 --to 2025-07-01 --offline
`,
        );
      const stateOption = () =>
        valueOption("--state <dir>", "bt's working folder (default ./.bt-data or $BT_STATE_DIR)");
      const venueOption = (text: string) => valueOption("-e, --exchange <name>", text);
      const subcommand =
        (name: string, positionals: (...params: unknown[]) => string[]) =>
        async (...params: unknown[]): Promise<void> => {
          const command = params[params.length - 1] as Command;
          const values = command.opts() as IParsedArgs["values"];
          exitCodes.set(
            program,
            await run("data", { values, positionals: [name, ...positionals(...params)] }),
          );
        };
      const dataImport = configure(data.command("import"))
        .description(
          "Imports candle files (Binance kline csv / zip dumps, spot or futures, monthly or daily; OHLCV CSV or JSON, optionally gzipped; freqtrade json and feather) into bt's candle cache. A file with a bad line fails the import, naming file:line, unless --skip-bad.",
        )
        .argument("<dir>", "a folder of candle files")
        .addOption(venueOption("cache namespace to fill (default binance)"))
        .addOption(stateOption())
        .option("--skip-bad", "import the valid lines, list the bad ones")
        .option("--json", "print the import summary as JSON");
      commonTail(dataImport)
        .addHelpText("after", "\nExamples:\n  bt data import ./binance-dumps --skip-bad\n")
        .action(subcommand("import", (dir) => [dir as string]));
      const download = configure(data.command("download"))
        .description(
          "Downloads candles through ccxt into the candle cache, whole UTC days that have ended, never past --to. Resumable: cached days are not fetched again. Shows progress with an ETA and reports the gaps found. ccxt options (sandbox URLs, keys) come from $BT_CCXT_OPTIONS (JSON).",
        )
        .addOption(venueOption("binance (default), bybit, okx, kucoin, kraken"))
        .addOption(
          valueOption(
            "--symbols <list>",
            "comma-separated symbols as the exchange spells them (BTC/USDT,ETH/USDT)",
          ),
        )
        .addOption(valueOption("--from <date>", "first day, YYYY-MM-DD or ISO 8601 (UTC)"))
        .addOption(valueOption("--to <date>", "end, exclusive"))
        .addOption(valueOption("--interval <interval>", "candle interval (default 1m)"))
        .addOption(stateOption())
        .option("--json", "print the result as JSON (progress stays on stderr)");
      commonTail(download).action(subcommand("download", () => []));
      const list = configure(data.command("list"))
        .description(
          "Lists the cached candles (or a folder of files with --data): exchange, symbol, interval, range, gaps.",
        )
        .addOption(valueOption("--data <dir>", "list a folder of candle files instead of the cache"))
        .addOption(stateOption())
        .option("--json", "print the list as JSON");
      commonTail(list).action(subcommand("list", () => []));
      const check = configure(data.command("check"))
        .description(
          "Checks one symbol's candles for gaps, duplicates, out-of-order or unaligned times, OHLC anomalies, negative volume and long zero-volume runs; prints a summary. Exit 1 when an issue is found.",
        )
        .addOption(valueOption("-s, --symbol <symbol>", "symbol to check"))
        .addOption(venueOption("the cache to check (default binance)"))
        .addOption(valueOption("--data <dir>", "check a folder of candle files instead of the cache"))
        .addOption(valueOption("--interval <interval>", "candle interval (default 1m)"))
        .addOption(valueOption("--from <date>", "range start"))
        .addOption(valueOption("--to <date>", "range end, exclusive"))
        .addOption(stateOption())
        .option("--json", "print the report as JSON");
      commonTail(check).action(subcommand("check", () => []));
    },
    init: () => {
      const init = configure(program.command("init").summary("scaffold a project that depends on @bt/cli"))
        .description(
          "Creates a bt project in <dir> (new or empty): strategies/smaCrossover.ts, strategies/smaWalker.ts, data/ (synthetic BTCUSDT candles, January 2025), a package.json that depends on @bt/cli, @bt/engine and @bt/core, a tsconfig.json and a README. No absolute path is written, so the folder can move.",
        )
        .argument("<dir>", "a new or empty folder")
        .addOption(
          valueOption(
            "--packages <dir>",
            "depend on the bt packages as tarballs (bt-cli-<version>.tgz … from `pnpm pack`) in this folder, by relative path, instead of by version (default $BT_INIT_PACKAGES)",
          ),
        );
      commonTail(init)
        .addHelpText(
          "after",
          `
Examples:
  bt init my-strategies && cd my-strategies && npm install && npm run backtest
`,
        )
        .action(action("init"));
    },
    generate: () => {
      const generate = configure(
        program
          .command("generate")
          .summary("ask an LLM for strategy ideas and write a type-checked walker file (@bt/optimizer)"),
      )
        .description(
          "Runs the optimizer of an optimizer file (default-exporting an IOptimizerSchema of @bt/optimizer, or calling addOptimizer): for every training range it sends the data sources' summaries and the prompt to a model, checks each answer (one object literal, only the candle functions, type-checks) and asks again with the reason, then writes one walker file of the accepted strategies whose frame is the test range, so `bt walker <out> --symbol S` runs it as it is. Nothing is written when no answer survived. Progress goes to stderr.",
        )
        .argument("<optimizer file>", "a .ts/.js file default-exporting an IOptimizerSchema")
        .addOption(
          valueOption(
            "-s, --symbol <symbol>",
            "symbol the sources read and the walker trades (default BTCUSDT)",
          ),
        )
        .addOption(
          valueOption("--out <file>", "the walker file to write (default ./<optimizerName>.generated.ts)"),
        )
        .addOption(valueOption("--optimizer <name>", "which optimizer, when the file registers several"))
        .addOption(
          valueOption(
            "--provider <kind>",
            "ollama (default, a local server) or openai (any OpenAI-compatible API)",
          ),
        )
        .addOption(valueOption("--model <name>", "the model (default $BT_LLM_MODEL; required)"))
        .addOption(
          valueOption("--host <url>", "ollama: the server (default $OLLAMA_HOST or http://127.0.0.1:11434)"),
        )
        .addOption(
          valueOption(
            "--base-url <url>",
            "openai: the API base URL with /v1 (default $OPENAI_BASE_URL or https://api.openai.com/v1)",
          ),
        )
        .addOption(valueOption("--api-key <key>", "openai: the API key (default $OPENAI_API_KEY)"))
        .addOption(valueOption("--temperature <t>", "sampling temperature, 0 to 2 (default: the model's)"))
        .addOption(valueOption("--seed <n>", "sampling seed, an integer (default none)"))
        .addOption(
          valueOption(
            "--timeout <duration>",
            "longest wait for one answer, e.g. 30s, 500ms, 5m (default 5m)",
          ),
        )
        .addOption(
          valueOption("--attempts <n>", "answers asked per training range before it is given up (default 3)"),
        );
      commonTail(generate)
        .addHelpText(
          "after",
          `
Exit codes: 0 written, 1 no answer survived (each range's reason printed; nothing written) or the model
server failed, 2 bad input.

Examples:
  bt generate examples/strategies/llm.optimizer.ts --model qwen2.5-coder:7b
  bt walker llm-jan.generated.ts --symbol BTCUSDT
  bt generate ./my.optimizer.ts --provider openai --model gpt-4o-mini --out ideas.ts --attempts 5
`,
        )
        .action(action("generate"));
    },
    mcp: () => {
      const mcp = configure(
        program
          .command("mcp")
          .summary("serve backtest, walker, sweep and report as read-only MCP tools (stdio)"),
      )
        .description(
          "Runs a Model Context Protocol server on stdio for an agent (Claude Desktop, an IDE, …): the tools backtest, walker, sweep and report take typed inputs, run what the commands run and return the JSON record and the report. Read-only: no live trading, no orders, no persistence writes (bt's caches and sweep journals go under node_modules/.cache/bt-mcp). stdout carries the protocol only; progress and strategy console output go to stderr.",
        )
        .addOption(
          valueOption(
            "--root <dir>",
            "tool paths resolve against this folder and may not leave it (default: the working directory)",
          ),
        );
      commonTail(mcp)
        .addHelpText(
          "after",
          `
An MCP client config entry (e.g. claude_desktop_config.json):
  { "mcpServers": { "bt": { "command": "npx", "args": ["bt", "mcp", "--root", "/path/to/project"] } } }
Exit codes: 0 the client disconnected, 2 bad input (a --root that is not a folder).

Examples:
  bt mcp
  bt mcp --root ./my-strategies
`,
        )
        .action(action("mcp"));
    },
    worker: () => {
      // Listed for help and suggestions; runCli hands `bt worker …` to @bt/cluster before commander parses.
      program
        .command("worker")
        .summary("consume parameter-sweep jobs from Redis (@bt/cluster)")
        .allowUnknownOption()
        .allowExcessArguments();
    },
  };
  for (const name of only === undefined ? COMMAND_NAMES : [only]) definitions[name]();
  return program;
}

const exitCodes = new WeakMap<Command, number>();

/** The exit code the last action of `program` returned (0 when none ran). */
export function lastExitCode(program: Command): number {
  return exitCodes.get(program) ?? 0;
}

/**
 * Moves global flags that stand before the command name (`bt --verbose backtest …`) after it, where
 * every command accepts them; anything else is left for commander to judge.
 */
export function liftGlobalFlags(argv: ReadonlyArray<string>): string[] {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && GLOBAL_FLAGS.has(argv[index] as string)) {
    leading.push(argv[index] as string);
    index++;
  }
  if (leading.length === 0 || index >= argv.length) return [...argv];
  const command = argv[index] as string;
  const rest = argv.slice(index + 1);
  // `bt data import`: the flags go after the subcommand.
  if (command === "data" && rest[0] === "import") return [command, "import", ...leading, ...rest.slice(1)];
  return [command, ...leading, ...rest];
}

/** The exit code of a CommanderError (help and version are 0) or the CliError it becomes. */
export function fromCommanderError(error: CommanderError, argv: ReadonlyArray<string>): number | CliError {
  if (
    error.code === "commander.helpDisplayed" ||
    error.code === "commander.version" ||
    error.code === "commander.help"
  ) {
    return error.exitCode === 0 || error.code !== "commander.help" ? 0 : 2;
  }
  // "error: unknown option '--frm'\n(Did you mean --from?)" → one line.
  const text = error.message
    .replace(/^error: /, "")
    .replace(/\s*\n\(Did you mean (.+)\?\)/, " (did you mean $1?)")
    .replace(/'([^']*)'/g, (_, quoted: string) => JSON.stringify(quoted));
  const command = argv.find((arg) => !arg.startsWith("-"));
  const known = command !== undefined && (COMMAND_NAMES as ReadonlyArray<string>).includes(command);
  const hint =
    error.code === "commander.unknownCommand" && !known
      ? `commands: ${COMMAND_NAMES.join(", ")}; see bt --help`
      : `see bt ${known ? `${command} ` : ""}--help`;
  return badInput(text, hint, error);
}

export { CommanderError };
