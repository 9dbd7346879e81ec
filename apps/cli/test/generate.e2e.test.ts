// `bt generate` (built binary) against @bt/llm-testkit's startLlmServer: a real 127.0.0.1 server speaking
// the ollama and OpenAI chat APIs with canned answers, which the real client libraries talk to. With each
// provider the walker file is written and `bt walker <it>` ranks every generated strategy on the bundled
// data; answers that break the contract every time are exit 1 naming each range's reason, nothing written.

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ILlmServer, startLlmServer } from "@bt/llm-testkit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { IWalkerRunRecord } from "../src/runRecord";
import { BIN_PATH, REPO_ROOT, requireBuiltCli } from "./builtCli";

const execFileAsync = promisify(execFile);
const OPTIMIZER = `${REPO_ROOT}examples/strategies/llm.optimizer.ts`;
const work = mkdtempSync(join(tmpdir(), "bt-generate-e2e-"));
let server: ILlmServer | undefined;

/** One valid answer: a breakout idea on `interval` candles (the contract's single ```ts object literal). */
function answer(interval: string, lookback: number): string {
  return [
    "Here is the idea:",
    "```ts",
    "{",
    `  interval: "${interval}",`,
    `  warmupCandles: ${lookback + 1},`,
    `  note: "breakout above the ${lookback}-candle high",`,
    "  getSignal: async (symbol) => {",
    `    const candles = await getCandles(symbol, "${interval}", ${lookback + 1});`,
    `    if (candles.length < ${lookback + 1}) return null;`,
    "    const high = Math.max(...candles.slice(0, -1).map((candle) => candle.high));",
    "    const price = await getAveragePrice(symbol);",
    "    if (price <= high) return null;",
    '    return { position: "long", priceTakeProfit: price * 1.01, priceStopLoss: price * 0.99, minuteEstimatedTime: 240 };',
    "  },",
    "}",
    "```",
  ].join("\n");
}

interface IRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built bt asynchronously (the LLM server answers from this process meanwhile). */
async function bt(args: string[]): Promise<IRun> {
  requireBuiltCli();
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN_PATH, ...args], {
      cwd: work,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, OLLAMA_HOST: "", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", BT_LLM_MODEL: "" },
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("bt generate (built binary, real ollama / OpenAI protocol server)", () => {
  for (const provider of ["ollama", "openai"] as const) {
    it(`--provider ${provider}: writes the walker file, which bt walker runs on the bundled data with every generated strategy ranked`, async () => {
      // The first answer breaks the contract: it is rejected, re-asked and the second one accepted.
      server = await startLlmServer({ answers: ["I would buy low.", answer("15m", 20), answer("1h", 12)] });
      const out = join(work, `${provider}.generated.ts`);
      const urlFlags =
        provider === "ollama"
          ? ["--host", server.ollamaHost]
          : ["--base-url", server.openaiBaseUrl, "--api-key", "test-key"];
      const run = await bt([
        "generate",
        OPTIMIZER,
        "--provider",
        provider,
        "--model",
        "test-model",
        ...urlFlags,
        "--symbol",
        "BTCUSDT",
        "--out",
        out,
        "--temperature",
        "0",
        "--seed",
        "7",
        "--timeout",
        "30s",
        "--attempts",
        "2",
      ]);
      expect(run.status, run.stderr).toBe(0);
      expect(server.requests).toHaveLength(3);
      expect(run.stderr).toMatch(/fetch: candle summary of rangeTrain\[0\]/);
      expect(run.stderr).toMatch(/request: rangeTrain\[0\] attempt 1 to (ollama|openai) test-model/);
      expect(run.stderr).toMatch(/rejected: rangeTrain\[0\] attempt 1: no code block/);
      expect(run.stderr).toMatch(/accepted: rangeTrain\[0\] attempt 2: llm-jan-1/);
      expect(run.stderr).toMatch(/accepted: rangeTrain\[1\] attempt 1: llm-jan-2/);
      expect(run.stderr).toContain(`written: ${out}`);
      expect(run.stdout).toContain("2 strategies (llm-jan-1, llm-jan-2)");
      const code = readFileSync(out, "utf8");
      expect(code).toContain('frame: { from: "2025-01-16T00:00:00.000Z", to: "2025-01-31T00:00:00.000Z" }');

      const walker = await bt(["walker", out, "--symbol", "BTCUSDT", "--json"]);
      expect(walker.status, walker.stderr).toBe(0);
      const record = JSON.parse(walker.stdout) as IWalkerRunRecord;
      expect(record.walkerName).toBe("llm-jan");
      expect(record.results.map((entry) => entry.strategyName).sort()).toEqual(["llm-jan-1", "llm-jan-2"]);
      expect(record.results.every((entry) => entry.status === "ok")).toBe(true);
      expect([record.periodStartMs, record.periodEndMs]).toEqual([
        Date.UTC(2025, 0, 16),
        Date.UTC(2025, 0, 31),
      ]);
      const report = await bt(["walker", out, "--symbol", "BTCUSDT"]);
      expect(report.status, report.stderr).toBe(0);
      expect(report.stdout).toContain("# Walker report: llm-jan");
    });
  }

  it("answers that break the contract on every attempt: exit 1, each range's reason, no file", async () => {
    server = await startLlmServer({ answers: () => "```ts\nimport fs from 'node:fs';\n```" });
    const out = join(work, "broken.generated.ts");
    const run = await bt([
      "generate",
      OPTIMIZER,
      "--model",
      "test-model",
      "--host",
      server.ollamaHost,
      "--out",
      out,
      "--attempts",
      "2",
    ]);
    expect(run.status).toBe(1);
    expect(server.requests).toHaveLength(4);
    expect(run.stderr).toMatch(
      /bt generate: optimizer "llm-jan": no strategy idea survived 2 attempt\(s\) per range; nothing written/,
    );
    expect(run.stderr).toMatch(/rangeTrain\[0\] 2025-01-02T00:00:00\.000Z … .*: /);
    expect(run.stderr).toMatch(/rangeTrain\[1\] 2025-01-09T00:00:00\.000Z … .*: /);
    expect(run.stderr).toMatch(/hint: every answer broke the contract/);
    expect(existsSync(out)).toBe(false);
    expect(run.stdout).toBe("");
  });

  it("bad input names the flag: exit 2, no request sent", async () => {
    server = await startLlmServer({ answers: [answer("15m", 20)] });
    const cases: Array<[string[], RegExp]> = [
      [["--provider", "claude", "--model", "m"], /bad --provider "claude"/],
      [[], /--model is missing/],
      [["--model", "m", "--timeout", "soon"], /bad --timeout "soon"/],
      [["--model", "m", "--attempts", "0"], /bad --attempts "0"/],
      [["--model", "m", "--temperature", "9"], /bad --temperature "9"/],
      [["--model", "m", "--host", "nowhere"], /bad --host "nowhere": not an http\(s\) URL/],
      [["--model", "m", "--base-url", server.openaiBaseUrl], /--base-url is for --provider openai/],
    ];
    for (const [flags, message] of cases) {
      const run = await bt(["generate", OPTIMIZER, ...flags]);
      expect(run.status, flags.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const missing = await bt(["generate", join(work, "missing.optimizer.ts"), "--model", "m"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/optimizer file not found/);
    expect(server.requests).toHaveLength(0);
  });

  it("an unreachable model server is a runtime failure (exit 1) with a hint, nothing written", async () => {
    const out = join(work, "unreachable.generated.ts");
    const run = await bt([
      "generate",
      OPTIMIZER,
      "--model",
      "m",
      "--host",
      "http://127.0.0.1:9",
      "--out",
      out,
      "--timeout",
      "10s",
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bt generate: .*hint: is the model server running/);
    expect(existsSync(out)).toBe(false);
  });
});
