// Backtest.getReport / dump and Walker.getReport / dump: the markdown of @bt/report-markdown over the
// recorded results, written atomically to <dir>/<mode>/<name>.md in a temporary folder.

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BtError, computeStatistics } from "@bt/core";
import { moneyBySignalId, renderBacktestReport } from "@bt/report-markdown";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getAveragePrice, type IEngine, reportFileName } from "../src/index";
import { collect, createTestEngine, MINUTE, memoryExchange, series, T0 } from "./helpers";

let engine: IEngine;
let dir: string;

beforeEach(async () => {
  engine = createTestEngine();
  dir = await mkdtemp(join(tmpdir(), "bt-engine-report-"));
  // Rising one point every 10 minutes: longs win, shorts lose.
  engine.addExchange(
    memoryExchange("mem", { BTCUSDT: series(-5, 240, (m) => 100 + Math.floor(Math.max(0, m) / 10)) }),
  );
  engine.addFrame({
    frameName: "f",
    interval: "1m",
    startDate: new Date(T0),
    endDate: new Date(T0 + 240 * MINUTE),
  });
  for (const position of ["long", "short"] as const) {
    engine.addStrategy({
      strategyName: position === "long" ? "longer" : "../shorter",
      interval: "15m",
      getSignal: async (symbol) => {
        const price = await getAveragePrice(symbol);
        return position === "long"
          ? { position, priceTakeProfit: price * 1.5, priceStopLoss: price * 0.9, minuteEstimatedTime: 14 }
          : { position, priceTakeProfit: price * 0.5, priceStopLoss: price * 1.1, minuteEstimatedTime: 14 };
      },
    });
  }
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const backtest = (strategyName: string) =>
  collect(
    engine.Backtest.run(
      "BTCUSDT",
      { strategyName, exchangeName: "mem", frameName: "f" },
      { warmupMinutes: 5 },
    ),
  );

describe("Backtest.getReport / dump", () => {
  it("renders the closed signals and statistics of the run and dumps them to <dir>/backtest/<strategy>.md", async () => {
    await backtest("longer");
    const data = engine.Backtest.getData("BTCUSDT", "longer");
    expect(data.closed.length).toBeGreaterThan(5);
    const markdown = engine.Backtest.getReport("BTCUSDT", "longer");
    // Exactly the report-markdown rendering of getData's signals over the frame, with the run's
    // conditions (config), its Problems section and the account's money of each trade.
    expect(markdown).toBe(
      renderBacktestReport(data.closed, {
        periodStartMs: T0,
        periodEndMs: T0 + 240 * MINUTE,
        config: data.config,
        problems: data.problems,
        markedMaxDrawdownPercent: data.stats.maxDrawdownMarked ?? undefined,
        money: moneyBySignalId(data.account.trades),
      }),
    );
    expect(markdown).toContain("| Stake (quote) |");
    // The marked drawdown sees inside the trades: never shallower than the closed-trade one.
    expect(data.stats.maxDrawdownMarked).toBeGreaterThanOrEqual(data.stats.maxDrawdown ?? 0);
    expect(markdown).toContain("fee 0.1% per side, slippage 0.1% per side");
    expect(markdown).toContain("## Problems");
    expect(markdown).toContain("## longer · BTCUSDT");
    expect(markdown).toContain(`Trades: ${data.closed.length}`);
    const path = await engine.Backtest.dump("BTCUSDT", "longer", { dir });
    expect(path).toBe(join(dir, "backtest", "longer.md"));
    expect(await readFile(path, "utf8")).toBe(markdown);
    // Atomic write: no temp file left beside it.
    expect(await readdir(join(dir, "backtest"))).toEqual(["longer.md"]);
  });

  it("passes report options through and filters by symbol and strategy", async () => {
    await backtest("longer");
    await backtest("../shorter");
    const both = engine.Backtest.getReport(undefined, undefined, { title: "Both", maxRows: 1 });
    expect(both.startsWith("# Both\n")).toBe(true);
    expect(both).toContain("## longer · BTCUSDT");
    expect(both).toContain("## ../shorter · BTCUSDT");
    const onlyShort = engine.Backtest.getReport("BTCUSDT", "../shorter");
    expect(onlyShort).not.toContain("## longer");
    const closed = engine.Backtest.getData("BTCUSDT", "../shorter").closed;
    expect(computeStatistics(closed).totalPnl).toBeLessThan(0);
    // A strategy name with a path in it stays one file inside <dir>/backtest; several strategies → all.md.
    expect(await engine.Backtest.dump("BTCUSDT", "../shorter", { dir })).toBe(
      join(dir, "backtest", reportFileName("../shorter")),
    );
    expect(reportFileName("../shorter")).toBe("_._shorter.md");
    expect(await engine.Backtest.dump(undefined, undefined, { dir })).toBe(join(dir, "backtest", "all.md"));
    expect((await readdir(join(dir, "backtest"))).sort()).toEqual(["_._shorter.md", "all.md"]);
  });

  it("throws BtError STATE when nothing matches, and writes nothing", async () => {
    expect(() => engine.Backtest.getReport()).toThrow(/no backtest run recorded/);
    await backtest("longer");
    let caught: unknown;
    try {
      await engine.Backtest.dump("ETHUSDT", "longer", { dir });
    } catch (error) {
      caught = error;
    }
    expect(BtError.isInstance(caught) && caught.code === "STATE").toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("Walker.getReport / dump", () => {
  it("renders the ranking and dumps it to <dir>/walker/<walker>.md", async () => {
    engine.addWalker({
      walkerName: "w",
      strategies: ["../shorter", "longer"],
      exchangeName: "mem",
      frameName: "f",
      metric: "totalPnl",
    });
    expect(() => engine.Walker.getReport("BTCUSDT", "w")).toThrow(BtError);
    await collect(engine.Walker.run("BTCUSDT", { walkerName: "w" }, { warmupMinutes: 5 }));
    const markdown = engine.Walker.getReport("BTCUSDT", "w");
    expect(markdown).toContain("# Walker report: w");
    expect(markdown).toContain("Best strategy: **longer**");
    expect(markdown).toContain("Symbol BTCUSDT · exchange mem · frame f");
    // longer ranks above ../shorter.
    expect(markdown.indexOf("| 1 | longer")).toBeGreaterThan(0);
    expect(markdown.indexOf("| 2 | ../shorter")).toBeGreaterThan(markdown.indexOf("| 1 | longer"));
    const path = await engine.Walker.dump("BTCUSDT", "w", { dir });
    expect(path).toBe(join(dir, "walker", "w.md"));
    expect(await readFile(path, "utf8")).toBe(markdown);
  });
});
