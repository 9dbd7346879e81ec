// The MCP server of `bt mcp`: the read-only research tools backtest, walker, sweep and report, each
// running the very function its command runs (runBacktest, runWalker, runSweepRun, loadRunRecords) and
// returning the run's JSON record (structuredContent and a JSON text block) with its report. No tool
// trades live, places orders or writes to a persistence store. Calls run one at a time: the engine and
// the console are process-wide.

import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ZodRawShape } from "zod";
import { failureText } from "./cliFailure";
import type { ICliIo, ITextSink } from "./cliIo";
import { cliVersion } from "./cliVersion";
import {
  BACKTEST_INPUT,
  REPORT_INPUT,
  resolveInsideRoot,
  SWEEP_INPUT,
  toolArgs,
  WALKER_INPUT,
} from "./mcpToolArgs";
import type { IParsedArgs } from "./parsedArgs";
import type { IRunOutcome } from "./runOutcome";

/** Names of the tools `bt mcp` serves (there is no live-trading tool). */
export const MCP_TOOL_NAMES = ["backtest", "walker", "sweep", "report"] as const;

/** Options of createBtMcpServer. */
export interface IBtMcpServerOptions {
  /** Paths of tool inputs resolve against this folder and may not leave it. */
  root: string;
  /** Where the commands' progress, notes and warnings go (the server's stderr). */
  stderr: ITextSink;
  env: Readonly<Record<string, string | undefined>>;
}

/** What a tool handler receives besides its input: the request's progress token and notifier. */
interface IToolExtra {
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: {
    method: "notifications/progress";
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }) => Promise<void>;
}

const INSTRUCTIONS = `bt: backtest, compare and sweep trading strategies written as TypeScript or JavaScript files.
Read-only research tools: backtest (one strategy), walker (rank several strategies of a walker file), sweep
(every parameter set of a grid file) and report (re-render a saved JSON run record as markdown). There is no
live-trading tool; nothing places orders or writes to a persistence store (bt's caches and sweep journals live
under node_modules/.cache/bt-mcp). File paths are relative to the server's root. A run in which a strategy
threw is an error result listing its problems; bad input is an error result naming the field.`;

// Minimum ms between two progress notifications of one call.
const PROGRESS_EVERY_MS = 250;

/** bt's state folder for tool runs (candle cache, sweep journals): node_modules/.cache/bt-mcp near the root. */
function mcpStateDir(root: string): string {
  for (let current = root; ; current = dirname(current)) {
    if (existsSync(join(current, "node_modules"))) return join(current, "node_modules", ".cache", "bt-mcp");
    if (dirname(current) === current) return join(tmpdir(), "bt-mcp-state");
  }
}

/** Progress of one tool call as MCP progress notifications (monotonic across phases), throttled. */
function progressNotifier(extra: IToolExtra): ICliIo["onProgress"] {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let offset = 0;
  let last = { label: "", done: 0, total: 0 };
  let sentAt = Number.NEGATIVE_INFINITY;
  return (label, done, total) => {
    // A new phase (the next strategy, symbol or batch) starts again at 0: keep the sequence increasing.
    if (label !== last.label && done < last.done) offset += last.total;
    last = { label, done, total };
    const now = Date.now();
    if (now - sentAt < PROGRESS_EVERY_MS && done < total) return;
    sentAt = now;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: offset + done, message: `${label}: ${done}/${total}` },
      })
      .catch(() => {});
  };
}

/** A tool's result of a run outcome: an error result (with the problems) when a strategy threw or the run failed. */
function outcomeResult(label: string, outcome: IRunOutcome<object>): CallToolResult {
  const record = outcome.record as Record<string, unknown>;
  const content: CallToolResult["content"] = [
    { type: "text", text: outcome.report },
    { type: "text", text: JSON.stringify(outcome.record) },
  ];
  if (outcome.failure === null) return { content, structuredContent: record };
  const why =
    outcome.failure.kind === "threw"
      ? `${outcome.failure.message}\n`
      : failureText(label, outcome.failure.error).text;
  return {
    isError: true,
    content: [{ type: "text", text: `${why}${outcome.problemText}` }, ...content],
    structuredContent: record,
  };
}

/** The error result of a failure before any record existed (bad input included): the CLI's message. */
function failureResult(label: string, error: unknown): CallToolResult {
  return { isError: true, content: [{ type: "text", text: failureText(label, error).text }] };
}

/**
 * Creates the bt MCP server with its four read-only tools; connect it to a transport to serve.
 * @example await createBtMcpServer({ root: process.cwd(), stderr: process.stderr, env: process.env }).connect(transport);
 */
export function createBtMcpServer(options: IBtMcpServerOptions): McpServer {
  const { root } = options;
  const stateDir = mcpStateDir(root);
  const server = new McpServer(
    { name: "bt", title: "bt backtesting (read-only)", version: cliVersion() },
    { instructions: INSTRUCTIONS, capabilities: { tools: {} } },
  );
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs calls one after another: the engine, its registries and the console are process-wide. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const ioOf = (extra: IToolExtra): ICliIo => ({
    // Commands print nothing in these functions; stdout belongs to the protocol regardless.
    stdout: options.stderr,
    stderr: options.stderr,
    stderrIsTty: false,
    columns: 80,
    cwd: root,
    env: options.env,
    onProgress: progressNotifier(extra),
  });
  const annotations = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };

  /** Registers a run tool over one of the commands' run functions. */
  const runTool = <TInput extends Record<string, string | number | boolean | string[] | undefined>>(
    name: "backtest" | "walker" | "sweep",
    positional: string,
    description: string,
    inputSchema: ZodRawShape,
    run: (args: IParsedArgs, io: ICliIo) => Promise<IRunOutcome<object>>,
  ) => {
    const label = `bt ${name}`;
    server.registerTool(
      name,
      { title: label, description, inputSchema, annotations },
      async (input: Record<string, unknown>, extra: IToolExtra): Promise<CallToolResult> =>
        exclusive(async () => {
          try {
            mkdirSync(stateDir, { recursive: true });
            const args = toolArgs(input as TInput, positional, { root, stateDir });
            return outcomeResult(label, await run(args, ioOf(extra)));
          } catch (error) {
            return failureResult(label, error);
          }
        }),
    );
  };

  runTool(
    "backtest",
    "strategyFile",
    "Backtests the strategy a file default-exports over a frame of candles (one symbol, or a portfolio of symbols from one account), like `bt backtest --json`. Returns the markdown report and the JSON run record (statistics, closed signals, problems, account). A strategy that threw is an error result listing its problems.",
    BACKTEST_INPUT,
    async (args, io) => (await import("./commands/backtest")).runBacktest(args, io),
  );
  runTool(
    "walker",
    "walkerFile",
    "Backtests every strategy a walker file lists on the same symbol and frame (the file's frame unless from/to are given) and ranks them by its metric, like `bt walker --json`. Returns the ranking report and the JSON walker record. A strategy that threw is never best and makes the result an error listing the problems.",
    WALKER_INPUT,
    async (args, io) => (await import("./commands/walker")).runWalker(args, io),
  );
  runTool(
    "sweep",
    "gridFile",
    "Backtests every parameter set of a grid file on every symbol (worker threads) and ranks them per symbol, with the best run's robustness, like `bt sweep --json`. Returns the ranking text and the JSON sweep result. Failed backtests make the result an error listing them.",
    SWEEP_INPUT,
    async (args, io) => (await import("./commands/sweep")).runSweepRun(args, io),
  );
  server.registerTool(
    "report",
    {
      title: "bt report",
      description:
        "Renders the markdown report (or the summary table) of a saved JSON run record again, like `bt report`: a record file written from a run tool's JSON, by bt … --json, or a --dump folder.",
      inputSchema: REPORT_INPUT,
      annotations,
    },
    async (input): Promise<CallToolResult> =>
      exclusive(async () => {
        try {
          const path = resolveInsideRoot(root, "recordFile", input.recordFile);
          const [{ loadRunRecords }, { renderRunReport }, { renderRunSummary }] = await Promise.all([
            import("./commands/report"),
            import("./renderRunReport"),
            import("./runSummary"),
          ]);
          const { records } = await loadRunRecords(path, root);
          const render = input.summary === true ? renderRunSummary : renderRunReport;
          return { content: [{ type: "text", text: records.map(render).join("\n") }] };
        } catch (error) {
          return failureResult("bt report", error);
        }
      }),
  );
  return server;
}
