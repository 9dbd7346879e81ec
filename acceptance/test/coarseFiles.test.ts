// Issue 18 acceptance ("files of any interval backtest without 1m data"): a folder with 1h files only, as
// freqtrade users have, backtests through createFileExchange on the 1h candles, and says so. Before, only
// 1m data could be backtested ("no 1m candles").

import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type IStrategySchema, SILENT_LOGGER } from "@bt/core";
import { createEngine, getCandles } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";
import { afterEach, describe, expect, it } from "vitest";

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);

let dir = "";
afterEach(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

/** Goes long when the close rose over the last 3 candles of `interval`; TP +1 %, SL −1 %. */
function momentum(interval: IStrategySchema["interval"]): IStrategySchema {
  return {
    strategyName: "momentum",
    interval,
    warmupCandles: 4,
    getSignal: async (symbol) => {
      const candles = await getCandles(symbol, interval, 4);
      if (candles.length < 4) return null;
      const [first, , , last] = candles;
      if (first === undefined || last === undefined || !(last.close > first.close)) return null;
      return {
        position: "long",
        priceTakeProfit: last.close * 1.01,
        priceStopLoss: last.close * 0.99,
        minuteEstimatedTime: 24 * 60,
      };
    },
  };
}

async function backtest(
  exchangeDir: string,
  interval: IStrategySchema["interval"],
  from: number,
  to: number,
  gapPolicy: "error" | "fill" = "error",
) {
  const warnings: string[] = [];
  const engine = createEngine();
  engine.setLogger({ ...SILENT_LOGGER, warn: (message: string) => warnings.push(message) });
  engine.addExchange(createFileExchange({ dir: exchangeDir, exchangeName: "files" }));
  engine.addFrame({ frameName: "frame", interval: "1m", startDate: new Date(from), endDate: new Date(to) });
  engine.addStrategy(momentum(interval));
  const results = [];
  for await (const result of engine.Backtest.run(
    "BTCUSDT",
    { strategyName: "momentum", exchangeName: "files", frameName: "frame" },
    { gapPolicy },
  )) {
    results.push(result);
  }
  return { results, warnings };
}

describe("a folder of 1h files", () => {
  it("backtests on the 1h candles and says so", async () => {
    dir = await mkdtemp(join(tmpdir(), "bt-hours-"));
    const rows = ["open_time,open,high,low,close,volume"];
    for (let hour = 0; hour < 24 * 20; hour++) {
      const close = 100 + 5 * Math.sin(hour / 9) + hour * 0.01;
      const open = 100 + 5 * Math.sin((hour - 1) / 9) + (hour - 1) * 0.01;
      rows.push(
        `${START + hour * HOUR},${open},${Math.max(open, close) + 0.1},${Math.min(open, close) - 0.1},${close},10`,
      );
    }
    await writeFile(join(dir, "BTCUSDT-1h-2025-01.csv"), `${rows.join("\n")}\n`);
    const { results, warnings } = await backtest(dir, "1h", START + 2 * 24 * HOUR, START + 19 * 24 * HOUR);
    const closed = results.filter((result) => result.action === "closed");
    expect(closed.length).toBeGreaterThan(3);
    // Every step of the run is an hour: opens and closes happen on the hour.
    expect(results.every((result) => result.timestamp % HOUR === 0)).toBe(true);
    expect(warnings.join("\n")).toMatch(/runs on 1h candles: exchange "files" has no finer data/);
  });

  const formats = fileURLToPath(new URL("../../../shared/data/formats/", import.meta.url));
  it.skipIf(!existsSync(join(formats, "BTC_USDT-1h.feather")))(
    "backtests the real freqtrade BTC_USDT-1h.feather (../shared/data/formats)",
    async () => {
      // The file alone (the folder also has 1m files of 2025); it misses one hour, so gaps are filled.
      dir = await mkdtemp(join(tmpdir(), "bt-feather-"));
      await symlink(join(formats, "BTC_USDT-1h.feather"), join(dir, "BTC_USDT-1h.feather"));
      const { results, warnings } = await backtest(
        dir,
        "1h",
        Date.UTC(2023, 2, 1),
        Date.UTC(2023, 11, 1),
        "fill",
      );
      expect(results.filter((result) => result.action === "closed").length).toBeGreaterThan(10);
      expect(warnings.join("\n")).toMatch(/runs on 1h candles/);
    },
  );
});
