// The inputs of `bt mcp`'s tools as zod shapes, and their translation into the parsed command line of
// the command each tool runs (the same IParsedArgs commander produces), with every path resolved against
// the server's root and refused outside it. Value checks (ranges, dates) stay the command's, so a bad
// value gets the command's own bad-input message naming the flag.

import { isAbsolute, relative, resolve } from "node:path";
import { z } from "zod";
import { badInput } from "./cliError";
import type { IParsedArgs } from "./parsedArgs";
import { isModulePath } from "./pluginModule";

const dateText = (end: string) =>
  z
    .string()
    .describe(
      `frame ${end}: YYYY-MM-DD or ISO 8601, UTC without an offset${end === "end" ? "; exclusive" : ""} (default: the data's ${end})`,
    );

/** Where candles come from and the frame: what backtest, walker and sweep share. */
const DATA_SHAPE = {
  from: dateText("start").optional(),
  to: dateText("end").optional(),
  exchange: z
    .string()
    .describe(
      "file (default: candle files of `data`), binance, bybit, okx, kucoin, kraken (ccxt), or a module path such as ./myExchange.ts",
    )
    .optional(),
  data: z
    .string()
    .describe("folder of candle files for the file exchange (default: the bundled sample data)")
    .optional(),
  interval: z.string().describe("frame tick interval: 1m (default), 5m, 15m, 1h …").optional(),
  offline: z.boolean().describe("a ccxt venue reads its candle cache only").optional(),
};

/** Costs and account of every backtest of a run. */
const COST_SHAPE = {
  fee: z.number().describe("fee per side in percent (default 0.1)").optional(),
  slippage: z.number().describe("slippage per side in percent (default 0.1)").optional(),
  balance: z.number().describe("account balance in quote currency (default 10000)").optional(),
  warmup: z
    .number()
    .int()
    .describe("minutes of candles loaded before the frame start (default: what the strategy declares)")
    .optional(),
};

/** What backtest and walker add: one symbol or a portfolio of several. */
const RUN_SHAPE = {
  symbol: z.string().describe("symbol to trade (default BTCUSDT)").optional(),
  symbols: z
    .array(z.string())
    .min(1)
    .describe("a portfolio run: several symbols sharing one account (instead of symbol)")
    .optional(),
  maxPositions: z
    .number()
    .int()
    .describe("portfolio: open positions at once across the symbols (default one per symbol)")
    .optional(),
  gaps: z
    .enum(["error", "fill"])
    .describe("missing 1m candles inside the data: error (default) or fill")
    .optional(),
  ...DATA_SHAPE,
  ...COST_SHAPE,
};

/** Input of the backtest tool. */
export const BACKTEST_INPUT = {
  strategyFile: z
    .string()
    .describe(
      "a .ts/.js file default-exporting a strategy ({ strategyName, interval, getSignal }), relative to the server's root",
    ),
  ...RUN_SHAPE,
};

/** Input of the walker tool. */
export const WALKER_INPUT = {
  walkerFile: z
    .string()
    .describe(
      "a .ts/.js file default-exporting a walker ({ walkerName?, metric?, frame?, strategies }), relative to the server's root",
    ),
  ...RUN_SHAPE,
};

/** Input of the sweep tool. */
export const SWEEP_INPUT = {
  gridFile: z
    .string()
    .describe(
      "a grid file (JSON, or a .ts/.js module default-exporting { strategy, params, symbols?, from?, to?, metric? }), relative to the server's root",
    ),
  symbols: z.array(z.string()).min(1).describe("symbols to sweep (default: the grid file's)").optional(),
  metric: z.string().describe("ranking metric (default: the grid file's, else sharpeRatio)").optional(),
  threads: z
    .number()
    .int()
    .describe("worker threads (default: available cores); 1 runs in the server's process")
    .optional(),
  top: z.number().int().describe("rows of the ranking per symbol (default 10)").optional(),
  mcRuns: z
    .number()
    .int()
    .describe("Monte Carlo runs per method for the best run's robustness (default 1000; 0 skips)")
    .optional(),
  baselineRuns: z
    .number()
    .int()
    .describe("random-entry baseline runs per symbol (default 100; 0 skips)")
    .optional(),
  runId: z.string().describe("resume the sweep of this run id (each result names its run id)").optional(),
  gaps: z.enum(["error", "fill"]).describe("missing 1m candles: error (default) or fill").optional(),
  ...DATA_SHAPE,
  ...COST_SHAPE,
};

/** Input of the report tool. */
export const REPORT_INPUT = {
  recordFile: z
    .string()
    .describe(
      "a JSON run record (a run tool's JSON, bt … --json output, or a --dump folder), relative to the server's root",
    ),
  summary: z.boolean().describe("the terminal summary table instead of the markdown report").optional(),
};

/** The fields every tool input may carry (the tools' shapes are subsets). */
type ToolInput = Record<string, string | number | boolean | string[] | undefined>;

// Fields that are paths: resolved against the root and refused outside it.
const PATH_FIELDS = new Set(["strategyFile", "walkerFile", "gridFile", "recordFile", "data"]);

/**
 * Resolves `value` of `field` against `root`.
 * @throws CliError (exit 2) naming the field when the path leads outside the root.
 */
export function resolveInsideRoot(root: string, field: string, value: string): string {
  const path = resolve(root, value);
  const fromRoot = relative(root, path);
  if (fromRoot.startsWith("..") || isAbsolute(fromRoot)) {
    throw badInput(
      `${field} ${JSON.stringify(value)} is outside the server's root ${root}`,
      "pass a path inside the root (bt mcp --root <dir> sets it)",
    );
  }
  return path;
}

/**
 * The parsed command line of the command a tool runs: `positional` names the input field that is the
 * command's argument (a file), the other fields become the flags of the same name (numbers as text, a
 * list comma-separated), and `--state` is the server's state folder.
 * @throws CliError (exit 2) naming the field when a path is outside the root.
 */
export function toolArgs(
  input: ToolInput,
  positional: string,
  options: { root: string; stateDir: string },
): IParsedArgs {
  const values: IParsedArgs["values"] = { json: true, state: options.stateDir };
  let file: string | undefined;
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : value;
    if (field === positional) {
      file = resolveInsideRoot(options.root, field, String(text));
    } else if (typeof text === "boolean") {
      values[field] = text;
    } else if (PATH_FIELDS.has(field) || (field === "exchange" && isModulePath(String(text)))) {
      values[field] = resolveInsideRoot(options.root, field, String(text));
    } else {
      values[field] = String(text);
    }
  }
  if (file === undefined) throw badInput(`${positional} is missing`, `pass ${positional}`);
  return { values, positionals: [file] };
}
