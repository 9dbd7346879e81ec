import { describe, expect, it } from "vitest";
import { renderWalkForwardReport, runSweepSequential, runWalkForward } from "../src/index.ts";
import fixtureCandles, { FRAME_START_MS, WARMUP_MINUTES } from "./fixtures/candles.ts";
import smaStrategy from "./fixtures/smaStrategy.ts";

const DAY_MS = 86_400_000;

describe("runWalkForward", () => {
  it("re-runs each symbol's in-sample top-k out of sample and reports both side by side", async () => {
    const columns = { BTCUSDT: fixtureCandles("BTCUSDT"), ETHUSDT: fixtureCandles("ETHUSDT") };
    const result = await runWalkForward(runSweepSequential, {
      strategy: { name: "sma", factory: smaStrategy },
      params: { fast: [3, 5, 8], slow: [13, 21] },
      symbols: ["BTCUSDT", "ETHUSDT"],
      frame: { frameName: "in", startMs: FRAME_START_MS, endMs: FRAME_START_MS + 2 * DAY_MS },
      outOfSample: {
        frameName: "out",
        startMs: FRAME_START_MS + 2 * DAY_MS,
        endMs: FRAME_START_MS + 4 * DAY_MS,
      },
      topK: 2,
      metric: "totalPnl",
      columns,
      backtest: { warmupMinutes: WARMUP_MINUTES },
    });
    expect(result.inSample.backtestCount).toBe(12);
    expect(result.rows).toHaveLength(4);
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const rows = result.rows.filter((row) => row.symbol === symbol);
      const ranking = result.inSample.symbols.find((entry) => entry.symbol === symbol)?.ranking ?? [];
      expect(rows.map((row) => row.strategyName)).toEqual(
        ranking.slice(0, 2).map((entry) => entry.strategyName),
      );
      expect(rows.map((row) => row.inSampleRank)).toEqual([1, 2]);
      for (const row of rows) {
        expect(row.outOfSample.frameName).toBe("out");
        expect(row.outOfSample.params).toEqual(row.inSample.params);
        // The out-of-sample entry is exactly a plain sweep of that parameter set on the second frame.
        const alone = await runSweepSequential({
          strategy: { name: "sma", factory: smaStrategy },
          params: [row.params as { fast: number; slow: number }],
          symbols: symbol,
          frame: {
            frameName: "out",
            startMs: FRAME_START_MS + 2 * DAY_MS,
            endMs: FRAME_START_MS + 4 * DAY_MS,
          },
          metric: "totalPnl",
          columns,
          backtest: { warmupMinutes: WARMUP_MINUTES },
        });
        expect(row.outOfSample.stats).toEqual(alone.symbols[0]?.ranking[0]?.stats);
      }
    }
    const report = renderWalkForwardReport(result, "SMA walk-forward");
    expect(report).toContain("# SMA walk-forward");
    expect(report).toContain("## ETHUSDT");
    expect(report).toContain(`| 1 | ${result.rows[0]?.strategyName} |`);
    expect(report.split("\n").filter((line) => /^\| \d/.test(line))).toHaveLength(4);
  });

  it("rejects a bad topK and identical frame names", async () => {
    const base = {
      strategy: { name: "sma", factory: smaStrategy },
      params: { fast: [3], slow: [13] },
      symbols: "BTCUSDT",
      frame: { frameName: "in", startMs: FRAME_START_MS, endMs: FRAME_START_MS + DAY_MS },
      columns: { BTCUSDT: fixtureCandles("BTCUSDT") },
    };
    await expect(
      runWalkForward(runSweepSequential, {
        ...base,
        outOfSample: { ...base.frame, frameName: "out" },
        topK: 0,
      }),
    ).rejects.toThrow(/topK must be a positive integer/);
    await expect(runWalkForward(runSweepSequential, { ...base, outOfSample: base.frame })).rejects.toThrow(
      /different names/,
    );
  });
});
