// Optimizer.run / dump against a real local LLM server (@bt/llm-testkit) through the real ollama and
// openai clients: recorded model/temperature/seed, streamed tokens, the generated file type-checked,
// imported and run through @bt/engine's walker on the bundled candles, broken answers retried with
// their diagnostics and finally rejected, nothing written on failure, timeouts and unreachable hosts.

import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { IStrategySchema, WalkerMetric } from "@bt/core";
import { createEngine } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";
import { type ILlmServer, startLlmServer } from "@bt/llm-testkit";
import { renderWalkerReport } from "@bt/report-markdown";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createOptimizer,
  defaultOptimizerTemplate,
  type IOptimizerProviderConfig,
  OptimizerError,
  type OptimizerProgressEvent,
} from "../src/index";
import {
  BREAKOUT_IDEA,
  DATA_DIR,
  fenced,
  GENERATED_DIR,
  RANGE_TRAIN,
  REVERSION_IDEA,
  SIDEWAYS_IDEA,
  testSchema,
  UNKNOWN_FUNCTION_IDEA,
} from "./helpers";

let server: ILlmServer | undefined;
beforeAll(async () => {
  await rm(GENERATED_DIR, { recursive: true, force: true });
  await mkdir(GENERATED_DIR, { recursive: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await rm(GENERATED_DIR, { recursive: true, force: true });
});

function ollama(
  llm: ILlmServer,
  extra: Partial<Extract<IOptimizerProviderConfig, { kind: "ollama" }>> = {},
): IOptimizerProviderConfig {
  return { kind: "ollama", host: llm.ollamaHost, model: "qwen-test", temperature: 0.3, seed: 11, ...extra };
}

function openai(
  llm: ILlmServer,
  extra: Partial<Extract<IOptimizerProviderConfig, { kind: "openai" }>> = {},
): IOptimizerProviderConfig {
  return { kind: "openai", baseUrl: llm.openaiBaseUrl, model: "gpt-test", temperature: 0, seed: 5, ...extra };
}

interface IWalkerFile {
  walkerName: string;
  metric: WalkerMetric;
  frame: { from: string; to: string };
  strategies: IStrategySchema[];
}

describe("Optimizer.run", () => {
  it("asks ollama once per training range with the model, temperature and seed, streaming tokens", async () => {
    server = await startLlmServer({ answers: [fenced(BREAKOUT_IDEA), fenced(REVERSION_IDEA)] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const events: OptimizerProgressEvent[] = [];
    const result = await Optimizer.run("BTCUSDT", "jan", {
      provider: ollama(server),
      onProgress: (event) => events.push(event),
    });

    expect(
      server.requests.map(({ api, model, temperature, seed, stream }) => ({
        api,
        model,
        temperature,
        seed,
        stream,
      })),
    ).toEqual([
      { api: "ollama", model: "qwen-test", temperature: 0.3, seed: 11, stream: true },
      { api: "ollama", model: "qwen-test", temperature: 0.3, seed: 11, stream: true },
    ]);
    const first = server.requests[0]?.messages ?? [];
    expect(first.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(first.at(-1)?.content).toBe("Write one strategy idea for BTCUSDT trained on first week.");

    const tokens = events.filter((event) => event.kind === "token" && event.rangeIndex === 0);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.map((event) => (event.kind === "token" ? event.text : "")).join("")).toBe(
      fenced(BREAKOUT_IDEA),
    );
    expect(events.map((event) => event.kind).filter((kind) => kind !== "token" && kind !== "fetch")).toEqual([
      "request",
      "check",
      "accepted",
      "request",
      "check",
      "accepted",
      "check",
    ]);
    expect(
      result.strategies.map(({ strategyName, variableName, attempts }) => ({
        strategyName,
        variableName,
        attempts,
      })),
    ).toEqual([
      { strategyName: "jan-1", variableName: "strategy1", attempts: 1 },
      { strategyName: "jan-2", variableName: "strategy2", attempts: 1 },
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.code).toContain(
      'import { getAveragePrice, getCandleColumns, getCandles } from "@bt/engine";',
    );
    expect(result.code).toContain(
      'frame: { from: "2025-01-20T00:00:00.000Z", to: "2025-01-27T00:00:00.000Z" }',
    );
    expect(result.code).toContain("strategies: [strategy1, strategy2]");
    expect(result.code).toContain("//   bt walker ./jan.walker.ts --symbol BTCUSDT");
    expect(result.code).not.toContain("@bt/cli");
  });

  it("dumps an OpenAI-generated file that compiles, runs through the walker on real candles and renders a report", async () => {
    server = await startLlmServer({ answers: [fenced(BREAKOUT_IDEA), fenced(REVERSION_IDEA)] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema({ metric: "totalPnl" }));
    const out = join(GENERATED_DIR, "jan-openai.walker.ts");
    const events: OptimizerProgressEvent[] = [];
    const result = await Optimizer.dump("BTCUSDT", "jan", {
      provider: openai(server),
      out,
      onProgress: (event) => events.push(event),
    });
    expect(result.file).toBe(out);
    expect(events.at(-1)).toEqual({ kind: "written", file: out });
    expect(await readFile(out, "utf8")).toBe(result.code);
    expect((await readdir(GENERATED_DIR)).filter((name) => name.endsWith(".tmp"))).toEqual([]); // the temp file was renamed
    expect(
      server.requests.map(({ api, model, temperature, seed }) => ({ api, model, temperature, seed })),
    ).toEqual([
      { api: "openai", model: "gpt-test", temperature: 0, seed: 5 },
      { api: "openai", model: "gpt-test", temperature: 0, seed: 5 },
    ]);
    expect(events.filter((event) => event.kind === "token").length).toBeGreaterThan(4);

    const walkerFile = ((await import(out)) as { default: IWalkerFile }).default;
    expect(walkerFile.walkerName).toBe("jan");
    expect(walkerFile.strategies.map((strategy) => strategy.strategyName)).toEqual(["jan-1", "jan-2"]);

    const engine = createEngine();
    engine.addExchange(createFileExchange({ dir: DATA_DIR, exchangeName: "sample" }));
    engine.addFrame({
      frameName: "test",
      interval: "1m",
      startDate: new Date(walkerFile.frame.from),
      endDate: new Date(walkerFile.frame.to),
    });
    for (const strategy of walkerFile.strategies) engine.addStrategy(strategy);
    engine.addWalker({
      walkerName: walkerFile.walkerName,
      metric: walkerFile.metric,
      exchangeName: "sample",
      frameName: "test",
      strategies: walkerFile.strategies.map((strategy) => strategy.strategyName),
    });
    const generator = engine.Walker.run("BTCUSDT", { walkerName: walkerFile.walkerName });
    let step = await generator.next();
    while (!step.done) step = await generator.next();
    const walker = step.value;
    expect(walker.results.map((entry) => entry.status)).toEqual(["ok", "ok"]);
    const tradeCounts = walker.results.map((entry) => entry.stats?.tradeCount ?? 0);
    expect(tradeCounts.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    const report = renderWalkerReport({
      walkerName: walker.walkerName,
      metric: walker.metric,
      entries: walker.results,
    });
    expect(report).toContain("# Walker report: jan");
    expect(report).toContain("jan-1");
    expect(report).toContain("jan-2");
  });

  it("retries a broken idea with its diagnostics, reports the range whose every attempt failed, keeps the other", async () => {
    // Range 0: no block, a syntax error, a type error → rejected. Range 1: unknown function, then fine.
    const answers = [
      "I would buy the dip.",
      fenced("{ interval: '15m', getSignal: async (symbol) => { return null }"),
      fenced(SIDEWAYS_IDEA),
      fenced(UNKNOWN_FUNCTION_IDEA),
      fenced(BREAKOUT_IDEA),
    ];
    server = await startLlmServer({ answers });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const out = join(GENERATED_DIR, "jan-partial.walker.ts");
    const result = await Optimizer.dump("BTCUSDT", "jan", { provider: ollama(server), out });

    const requests = server.requests;
    expect(requests).toHaveLength(5);
    // Each retry carries the previous answer and the reason it was rejected.
    expect(requests[1]?.messages.at(-2)).toEqual({ role: "assistant", content: "I would buy the dip." });
    expect(requests[1]?.messages.at(-1)?.content).toMatch(/^Your answer was rejected: no code block/);
    expect(requests[2]?.messages.at(-1)?.content).toMatch(
      /rejected: syntax error in the code block[\s\S]*line \d+: ',' expected/,
    );
    expect(requests[4]?.messages.at(-1)?.content).toMatch(
      /rejected: type error: line \d+: Cannot find name 'getMarketPrice'/,
    );

    expect(
      result.strategies.map(({ strategyName, rangeIndex, attempts }) => ({
        strategyName,
        rangeIndex,
        attempts,
      })),
    ).toEqual([{ strategyName: "jan-2", rangeIndex: 1, attempts: 2 }]);
    expect(result.rejected).toHaveLength(1);
    const [rejection] = result.rejected;
    expect(rejection).toMatchObject({ rangeIndex: 0, attempts: 3, answer: fenced(SIDEWAYS_IDEA) });
    expect(rejection?.reason).toMatch(/^type error: line \d+: .*"sideways".*SignalPosition/);
    expect(rejection?.diagnostics).toHaveLength(1);
    expect(rejection?.diagnostics.length).toBeGreaterThan(0);
    expect(result.code).not.toContain("sideways");
    expect(await readFile(out, "utf8")).toBe(result.code);
  });

  it("sends a request once more when its connection drops before any answer (both providers)", async () => {
    for (const provider of [ollama, openai]) {
      server = await startLlmServer({ answers: [{ reset: true }, fenced(BREAKOUT_IDEA)] });
      const { addOptimizer, Optimizer } = createOptimizer();
      addOptimizer(testSchema({ rangeTrain: RANGE_TRAIN.slice(0, 1) }));
      const result = await Optimizer.run("BTCUSDT", "jan", { provider: provider(server) });
      expect(server.requests).toHaveLength(2);
      expect(result.strategies.map(({ attempts }) => attempts)).toEqual([1]);
      await server.close();
      server = undefined;
    }
  });

  it("rejects an idea that type-checks but breaks the engine's schema rules, and re-asks with the engine's message", async () => {
    const negativeWarmup = BREAKOUT_IDEA.replace("warmupCandles: 21", "warmupCandles: -21");
    server = await startLlmServer({ answers: [fenced(negativeWarmup), fenced(BREAKOUT_IDEA)] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema({ rangeTrain: RANGE_TRAIN.slice(0, 1) }));
    const result = await Optimizer.run("BTCUSDT", "jan", { provider: ollama(server) });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.messages.at(-1)?.content).toMatch(
      /^Your answer was rejected: strategy schema: .*warmupCandles.*-21/,
    );
    expect(result.strategies.map(({ strategyName, attempts }) => ({ strategyName, attempts }))).toEqual([
      { strategyName: "jan-1", attempts: 2 },
    ]);
    expect(result.code).toContain("warmupCandles: 21,");
  });

  it("writes nothing when no idea survives, naming the optimizer and each range's last reason", async () => {
    const forbidden = BREAKOUT_IDEA.replace("return null;", "process.exit(1);");
    server = await startLlmServer({
      answers: [fenced(`import fs from "node:fs";\n${BREAKOUT_IDEA}`), fenced(forbidden)],
    });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const out = join(GENERATED_DIR, "jan-none.walker.ts");
    const error = await Optimizer.dump("BTCUSDT", "jan", {
      provider: openai(server),
      out,
      maxAttempts: 1,
    }).catch((caught: unknown) => caught);
    expect(OptimizerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "NO_STRATEGY", optimizerName: "jan" });
    const message = (error as Error).message;
    expect(message).toContain(
      'optimizer "jan": no strategy idea survived 1 attempt(s) per range; nothing written.',
    );
    expect(message).toContain(
      "rangeTrain[0] 2025-01-02T00:00:00.000Z … 2025-01-09T00:00:00.000Z (first week): forbidden construct: import",
    );
    expect(message).toContain(
      "rangeTrain[1] 2025-01-09T00:00:00.000Z … 2025-01-16T00:00:00.000Z (second week): forbidden construct: process",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("carries overridden template parts into the file", async () => {
    server = await startLlmServer({ answers: [fenced(BREAKOUT_IDEA), fenced(REVERSION_IDEA)] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(
      testSchema({
        template: {
          header: (ctx) =>
            `// custom header for ${ctx.optimizerName}\n${defaultOptimizerTemplate.header(ctx)}`,
          launcher: (ctx) =>
            `// launch: npx bt walker ${ctx.fileName} --symbol ${ctx.symbol} --metric ${ctx.metric}`,
        },
      }),
    );
    const result = await Optimizer.run("ETHUSDT", "jan", {
      provider: ollama(server),
      fileName: "./eth.walker.ts",
    });
    expect(result.code.startsWith("// custom header for jan\n")).toBe(true);
    expect(
      result.code
        .trimEnd()
        .endsWith("// launch: npx bt walker ./eth.walker.ts --symbol ETHUSDT --metric sharpeRatio"),
    ).toBe(true);
    expect(result.code).not.toContain("//   bt walker");
  });

  it("gives a clear error naming provider, model, host and timeout when the server hangs", async () => {
    server = await startLlmServer({ answers: [{ hang: true }, { hang: true }] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const host = server.ollamaHost;
    await expect(
      Optimizer.run("BTCUSDT", "jan", { provider: ollama(server, { timeoutMs: 300 }) }),
    ).rejects.toMatchObject({
      code: "TIMEOUT",
      message: `ollama: model "qwen-test" at ${host} did not answer within 300 ms (timeoutMs)`,
    });
    await expect(
      Optimizer.run("BTCUSDT", "jan", { provider: openai(server, { timeoutMs: 300 }) }),
    ).rejects.toMatchObject({
      code: "TIMEOUT",
      message: `openai: model "gpt-test" at ${host}/v1 did not answer within 300 ms (timeoutMs)`,
    });
  });

  it("times out a model that stalls mid-answer, after streaming its first tokens", async () => {
    server = await startLlmServer({ answers: [{ text: fenced(BREAKOUT_IDEA), stallAfterChunks: 2 }] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const tokens: string[] = [];
    const running = Optimizer.run("BTCUSDT", "jan", {
      provider: openai(server, { timeoutMs: 400 }),
      onProgress: (event) => {
        if (event.kind === "token") tokens.push(event.text);
      },
    });
    await expect(running).rejects.toMatchObject({
      code: "TIMEOUT",
      provider: "openai",
      field: "provider.timeoutMs",
      value: 400,
    });
    expect(tokens).toHaveLength(2);
  });

  it("stops on the caller's abort signal", async () => {
    server = await startLlmServer({ answers: [{ hang: true }] });
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    const controller = new AbortController();
    const events: OptimizerProgressEvent[] = [];
    const running = Optimizer.run("BTCUSDT", "jan", {
      provider: ollama(server),
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        if (event.kind === "request") setTimeout(() => controller.abort(), 50);
      },
    });
    await expect(running).rejects.toMatchObject({
      code: "ABORTED",
      message: `ollama: request to ${server.url} aborted`,
    });
    // The openai stream ends quietly on abort: the partial answer must not be taken for a whole one.
    await server.close();
    server = await startLlmServer({ answers: [{ text: fenced(BREAKOUT_IDEA), stallAfterChunks: 2 }] });
    const stop = new AbortController();
    const streaming = Optimizer.run("BTCUSDT", "jan", {
      provider: openai(server),
      signal: stop.signal,
      onProgress: (event) => {
        if (event.kind === "token") stop.abort();
      },
    });
    await expect(streaming).rejects.toMatchObject({ code: "ABORTED", provider: "openai" });
    expect(server.requests).toHaveLength(1);
  });

  it("names the URL of an unreachable host and the status of an HTTP error", async () => {
    const closed = await startLlmServer({ answers: [] });
    await closed.close();
    const { addOptimizer, Optimizer } = createOptimizer();
    addOptimizer(testSchema());
    await expect(Optimizer.run("BTCUSDT", "jan", { provider: ollama(closed) })).rejects.toThrow(
      new RegExp(`^ollama: cannot reach ${closed.url} \\(ECONNREFUSED\\)`),
    );
    await expect(Optimizer.run("BTCUSDT", "jan", { provider: openai(closed) })).rejects.toThrow(
      new RegExp(`^openai: cannot reach ${closed.url}/v1`),
    );
    server = await startLlmServer({ answers: [{ status: 404, message: "model 'qwen-test' not found" }] });
    await expect(Optimizer.run("BTCUSDT", "jan", { provider: ollama(server) })).rejects.toMatchObject({
      code: "PROVIDER",
      message: `ollama: model "qwen-test" at ${server.url} failed: HTTP 404: model 'qwen-test' not found`,
    });
  });
});
