// Live mode on a simulated clock and an in-memory exchange: a day of minutes in seconds, the same
// closed signals as Backtest, restore of pending and scheduled signals after a restart, broker errors
// retried without a state change, graceful stop, the live report and option validation.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BtError,
  clientOrderId,
  type IStrategyTickResult,
  type IStrategyTickResultClosed,
  type IStrategyTickResultOpened,
} from "@bt/core";
import { describe, expect, it } from "vitest";
import { createPaperBroker, createSimulatedClock, readLiveState } from "../src/index";
import { collect, flush, MINUTE, T0 } from "./helpers";
import { closedBrief, flakyBroker, runWiggleLive, SYMBOL, wiggleEngine } from "./liveHelpers";
import { createMemoryPersist } from "./memoryPersist";

const DAY = 1440 * MINUTE;
const closedOf = (results: IStrategyTickResult[]) =>
  results.filter((result): result is IStrategyTickResultClosed => result.action === "closed");

describe("Live on a simulated clock", () => {
  it.each(["1m", "5m"] as const)(
    "runs a day of minutes (1,440 ticks) with the same closed and cancelled signals as Backtest (interval %s)",
    async (interval) => {
      const backtestEngine = wiggleEngine(interval);
      backtestEngine.addFrame({
        frameName: "day",
        interval: "1m",
        startDate: new Date(T0),
        endDate: new Date(T0 + DAY),
      });
      const backtest = await collect(
        backtestEngine.Backtest.run(
          SYMBOL,
          { strategyName: "wiggle", exchangeName: "mem", frameName: "day" },
          { warmupMinutes: 60 },
        ),
      );

      const engine = wiggleEngine(interval);
      const ticks: IStrategyTickResult[] = [];
      engine.listenSignalLive((result) => {
        ticks.push(result);
      });
      const done: boolean[] = [];
      engine.listenDoneLive((event) => {
        done.push(event.stopped);
      });
      const persist = createMemoryPersist();
      const live = await runWiggleLive(engine, T0, { persist, stopAt: T0 + DAY });
      await flush();

      // One tick result per minute reaches listenSignalLive, all with backtest = false.
      expect(ticks).toHaveLength(1440);
      expect(ticks.every((tick) => tick.backtest === false)).toBe(true);
      expect(ticks.map((tick) => tick.timestamp)).toEqual(
        Array.from({ length: 1440 }, (_, m) => T0 + m * MINUTE),
      );
      expect(done).toEqual([false]);

      // A signal still open or scheduled at the end of live is the one Backtest ends at the frame end.
      const state = await readLiveState(persist, SYMBOL, "wiggle", "mem");
      const openId = state.position?.signal.id ?? state.scheduled?.signal.id;
      const atFrameEnd = (result: IStrategyTickResult) =>
        "signal" in result && result.signal.id === openId && result.timestamp === T0 + DAY - MINUTE;
      const backtestClosed = closedOf(backtest).filter((result) => !atFrameEnd(result));
      const liveClosed = closedOf(live);
      expect(liveClosed.length).toBeGreaterThan(10);
      expect(liveClosed.map(closedBrief)).toEqual(backtestClosed.map(closedBrief));
      const reasons = new Set(liveClosed.map((result) => result.closeReason));
      expect(reasons.has("take_profit") && reasons.has("stop_loss")).toBe(true);
      const brief = (result: IStrategyTickResult) => [
        result.action,
        result.timestamp,
        "signal" in result ? result.signal.id : "",
      ];
      const backtestRest = backtest
        .filter((result) => result.action !== "closed" && !atFrameEnd(result))
        .map(brief);
      const liveRest = live.filter((result) => result.action !== "closed").map(brief);
      expect(liveRest).toEqual(backtestRest);
      expect(live.some((result) => result.action === "cancelled")).toBe(true);
      expect(live.some((result) => result.action === "scheduled")).toBe(true);
      // The persisted closed history is the same list.
      expect(state.closed.map(closedBrief)).toEqual(liveClosed.map(closedBrief));
    },
  );
});
