// `bt mcp` (built binary) through the MCP SDK's own Client over stdio: the tools and their input schemas
// (no live tool), backtest / walker / sweep / report on the examples and the bundled data, and the error
// results: a missing file and a path outside the root naming the field, a bad value with the CLI's
// message, a strategy that throws listing its problem; a chatty strategy never corrupts the protocol.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import smaCrossover from "../../../examples/strategies/smaCrossover";
import smaWalker from "../../../examples/strategies/smaWalker";
import type { ISweepOutput } from "../src/commands/sweep";
import type { IBacktestRunRecord, IWalkerRunRecord } from "../src/runRecord";
import { BIN_PATH, DATA_DIR, REPO_ROOT, referenceBacktest, requireBuiltCli } from "./builtCli";

const THROWING = fileURLToPath(new URL("./fixtures/throwingStrategy.ts", import.meta.url));
const CHATTY = fileURLToPath(new URL("./fixtures/chattyStrategy.ts", import.meta.url));
const CHATTY_SWEEP = fileURLToPath(new URL("./fixtures/chattySweepStrategy.ts", import.meta.url));
const FRAME = { from: "2025-01-10", to: "2025-01-12" };
// Record files the report tool reads must be inside the root (the repository).
const cacheDir = join(REPO_ROOT, "node_modules", ".cache");
mkdirSync(cacheDir, { recursive: true });
const work = mkdtempSync(join(cacheDir, "bt-mcp-e2e-"));

let client: Client;
let stderr = "";

/** Calls a tool and returns its result (the SDK's long timeout: a sweep takes a few seconds). */
async function call(name: string, input: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: input }, undefined, {
    timeout: 120_000,
  })) as CallToolResult;
}

/** The text blocks of a result, joined. */
function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
}

beforeAll(async () => {
  requireBuiltCli();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN_PATH, "mcp", "--root", REPO_ROOT],
    cwd: REPO_ROOT,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  client = new Client({ name: "bt-mcp-e2e", version: "0.0.0" });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("bt mcp (built binary, MCP SDK client over stdio)", () => {
  it("lists the read-only tools backtest, walker, sweep and report with typed inputs, and no live tool", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["backtest", "report", "sweep", "walker"]);
    expect(tools.some((tool) => /live/i.test(tool.name))).toBe(false);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    const backtest = byName.get("backtest")?.inputSchema;
    expect(backtest?.required).toEqual(["strategyFile"]);
    expect(Object.keys(backtest?.properties ?? {})).toEqual(
      expect.arrayContaining([
        "symbol",
        "symbols",
        "from",
        "to",
        "exchange",
        "data",
        "fee",
        "slippage",
        "balance",
      ]),
    );
    const properties = (backtest?.properties ?? {}) as Record<string, { type?: string }>;
    expect(properties.fee?.type).toBe("number");
    expect(byName.get("walker")?.inputSchema.required).toEqual(["walkerFile"]);
    expect(byName.get("sweep")?.inputSchema.required).toEqual(["gridFile"]);
    expect(Object.keys(byName.get("sweep")?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["symbols", "threads", "top"]),
    );
    expect(byName.get("report")?.inputSchema.required).toEqual(["recordFile"]);
    for (const tool of tools) expect(tool.annotations?.readOnlyHint).toBe(true);
    expect(client.getInstructions()).toMatch(/no\s+live-trading tool/);
  });

  it("backtest returns the run's JSON record (the stats of an in-process backtest) and its markdown report; report re-renders the saved record", async () => {
    const result = await call("backtest", {
      strategyFile: "examples/strategies/smaCrossover.ts",
      symbol: "BTCUSDT",
      data: DATA_DIR,
      ...FRAME,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const record = result.structuredContent as unknown as IBacktestRunRecord;
    expect(record.kind).toBe("backtest");
    expect(record.strategyName).toBe(smaCrossover.strategyName);
    const reference = await referenceBacktest(
      smaCrossover,
      "BTCUSDT",
      record.periodStartMs,
      record.periodEndMs,
    );
    expect(record.stats).toEqual(reference.stats);
    const [report, json] = result.content;
    expect(report?.type === "text" && report.text).toMatch(/^# Backtest: sma-crossover/);
    expect(json?.type === "text" && JSON.parse(json.text)).toEqual(record);

    const recordFile = join(work, "run.json");
    writeFileSync(recordFile, json?.type === "text" ? json.text : "");
    const rendered = await call("report", { recordFile });
    expect(rendered.isError, textOf(rendered)).toBeFalsy();
    expect(textOf(rendered)).toBe(report?.type === "text" ? report.text : "");
    const summary = await call("report", { recordFile, summary: true });
    expect(textOf(summary)).toMatch(/Summary/);
  });

  it("backtest with fee, slippage and balance charges them", async () => {
    const result = await call("backtest", {
      strategyFile: "examples/strategies/smaCrossover.ts",
      ...FRAME,
      fee: 0,
      slippage: 0,
      balance: 500,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const record = result.structuredContent as unknown as IBacktestRunRecord;
    expect(record.config.CC_PERCENT_FEE).toBe(0);
    expect(record.config.CC_PERCENT_SLIPPAGE).toBe(0);
    expect(record.account?.initialBalance).toBe(500);
  });

  it("walker ranks every strategy of the walker file and returns the ranking report", async () => {
    // The whole bundled data: an annualised Sharpe ratio needs more than a few days to rank.
    const result = await call("walker", {
      walkerFile: "examples/strategies/smaWalker.ts",
      symbol: "BTCUSDT",
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const record = result.structuredContent as unknown as IWalkerRunRecord;
    expect(record.kind).toBe("walker");
    expect(record.results.map((entry) => entry.strategyName).sort()).toEqual(
      smaWalker.strategies.map((strategy) => strategy.strategyName).sort(),
    );
    expect(record.bestStrategy).toBe(record.results[0]?.strategyName);
    expect(textOf(result)).toContain("# Walker report: sma-grid");
  });

  it("sweep ranks the grid's parameter sets per symbol", async () => {
    const result = await call("sweep", {
      gridFile: "examples/strategies/sma.grid.ts",
      symbols: ["BTCUSDT"],
      ...FRAME,
      threads: 2,
      top: 3,
      mcRuns: 0,
      baselineRuns: 0,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const output = result.structuredContent as unknown as ISweepOutput;
    expect(output.kind).toBe("sweep");
    expect(output.backtestCount).toBe(9);
    expect(output.symbols.map((symbol) => symbol.symbol)).toEqual(["BTCUSDT"]);
    expect(output.symbols[0]?.ranking).toHaveLength(9);
    expect(output.journal.startsWith(join(REPO_ROOT, "node_modules", ".cache", "bt-mcp"))).toBe(true);
    expect(textOf(result)).toMatch(/BTCUSDT/);
  });

  it("a missing strategy file is an error result naming it", async () => {
    const result = await call("backtest", { strategyFile: "examples/strategies/nope.ts" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/strategy file not found.*nope\.ts/);
  });

  it("a path outside the root is an error result naming the field", async () => {
    const result = await call("backtest", { strategyFile: "../../etc/passwd.ts" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/strategyFile "\.\.\/\.\.\/etc\/passwd\.ts" is outside the server's root/);
  });

  it("a bad value is an error result with the CLI's bad-input message; a missing field names it", async () => {
    const fee = await call("backtest", { strategyFile: "examples/strategies/smaCrossover.ts", fee: -1 });
    expect(fee.isError).toBe(true);
    expect(textOf(fee)).toMatch(/bad --fee "-1": must be a percent/);
    const from = await call("walker", { walkerFile: "examples/strategies/smaWalker.ts", from: "2025-02-30" });
    expect(from.isError).toBe(true);
    expect(textOf(from)).toMatch(/bad --from date "2025-02-30"/);
    const missing = await call("backtest", { symbol: "BTCUSDT" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/strategyFile/);
  });

  it("a strategy that throws is an error result listing the problem, with the record", async () => {
    const result = await call("backtest", { strategyFile: THROWING, ...FRAME });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/strategy always-throws threw while running/);
    expect(text).toMatch(/indicator blew up/);
    expect((result.structuredContent as unknown as IBacktestRunRecord).status).toBe("failed");
  });

  it("a strategy's console output goes to stderr, never into the protocol", async () => {
    const result = await call("backtest", { strategyFile: CHATTY, ...FRAME });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(stderr).toContain("chatty: log");
    expect(stderr).toContain("chatty: loaded");
    // The connection still answers after the strategy wrote to the console.
    expect((await client.listTools()).tools).toHaveLength(4);
  });

  it("console output and raw stdout writes of a sweep's worker threads go to stderr too", async () => {
    const gridFile = join(work, "chatty.grid.json");
    writeFileSync(
      gridFile,
      JSON.stringify({ strategy: { module: CHATTY_SWEEP, name: "chatty" }, params: { level: [1, 2, 3] } }),
    );
    const result = await call("sweep", {
      gridFile,
      symbols: ["BTCUSDT"],
      ...FRAME,
      threads: 2,
      mcRuns: 0,
      baselineRuns: 0,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((result.structuredContent as unknown as ISweepOutput).backtestCount).toBe(3);
    await expect.poll(() => stderr).toContain("chatty sweep: raw stdout write");
    expect(stderr).toContain("chatty sweep: factory level=");
    expect((await client.listTools()).tools).toHaveLength(4);
  });
});
