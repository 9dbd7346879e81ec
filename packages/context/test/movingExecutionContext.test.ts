import { afterEach, describe, expect, it } from "vitest";
import {
  createContextFrame,
  findContextFrame,
  getExecutionContext,
  type IMethodContext,
  type IRunFrame,
  MovingExecutionContext,
  openRunFrame,
  runInContext,
} from "../src/index";

const method: IMethodContext = { strategyName: "s", exchangeName: "e", frameName: "f" };
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** The entries a test opened: closed after it, so no test leaves an open sequential run behind. */
const opened: IRunFrame[] = [];

function openRun(symbol: string, whenMs: number, sequential: boolean) {
  const execution = new MovingExecutionContext(symbol, sequential, whenMs);
  const frame = createContextFrame(execution, method);
  const entry = openRunFrame(frame, sequential);
  opened.push(entry);
  return { execution, frame, entry };
}

/** What user code sees after an await: "symbol@whenMs", or "none". */
async function readAfterAwait(): Promise<string> {
  await tick();
  const frame = findContextFrame();
  return frame?.execution === undefined ? "none" : `${frame.execution.symbol}@${frame.execution.whenMs}`;
}

afterEach(() => {
  for (const entry of opened.splice(0)) entry.close();
});

describe("MovingExecutionContext and openRunFrame", () => {
  it("one frame entered many times: the instant moves, `when` is a new Date per read", () => {
    const { execution, frame, entry } = openRun("BTCUSDT", 0, true);
    expect(Object.isFrozen(frame)).toBe(true);
    const seen: number[] = [];
    for (const whenMs of [0, 60_000, 120_000]) {
      execution.whenMs = whenMs;
      entry.run(() => {
        const current = getExecutionContext();
        expect(current).toBe(execution);
        expect(current.whenMs).toBe(whenMs);
        expect(current.when).not.toBe(current.when);
        seen.push(current.when.getTime());
        expect(findContextFrame()).toBe(frame);
      });
    }
    expect(seen).toEqual([0, 60_000, 120_000]);
    entry.leave();
    expect(findContextFrame()).toBeUndefined();
  });

  it("a lone sequential run: its call sees the frame across awaits; after leave() and close() nothing does", async () => {
    const { entry } = openRun("A", 1, true);
    expect(await entry.run(readAfterAwait)).toBe("A@1");
    entry.leave();
    expect(await readAfterAwait()).toBe("none");
    expect(await entry.run(readAfterAwait)).toBe("A@1");
    entry.close();
    expect(await readAfterAwait()).toBe("none");
    expect(() => getExecutionContext()).toThrow(/No execution context/);
  });

  it("two sequential runs open at once never see each other's instant, across awaits", async () => {
    const a = openRun("A", 1, true);
    const b = openRun("B", 2, true);
    const [fromA, fromB] = await Promise.all([a.entry.run(readAfterAwait), b.entry.run(readAfterAwait)]);
    expect(fromA).toBe("A@1");
    expect(fromB).toBe("B@2");
  });

  it("a call in flight when a second sequential run opens keeps its own frame; the other run gets its own", async () => {
    const a = openRun("A", 1, true);
    const inFlight = a.entry.run(async () => {
      await tick();
      await tick();
      return readAfterAwait();
    });
    await tick();
    const b = openRun("B", 2, true);
    const fromB = b.entry.run(readAfterAwait);
    expect(await Promise.all([inFlight, fromB])).toEqual(["A@1", "B@2"]);
    // A ends; B, alone again, still sees its own frame (and A's is gone).
    a.entry.close();
    expect(await b.entry.run(readAfterAwait)).toBe("B@2");
  });

  it("a run that is not sequential (live) enters the storage: code outside its call never sees it", async () => {
    const live = openRun("L", 3, false);
    const call = live.entry.run(readAfterAwait);
    expect(await readAfterAwait()).toBe("none");
    expect(await call).toBe("L@3");
    // It does not count as a sequential run: a backtest beside it is still the lone one.
    const backtest = openRun("A", 1, true);
    expect(await Promise.all([backtest.entry.run(readAfterAwait), live.entry.run(readAfterAwait)])).toEqual([
      "A@1",
      "L@3",
    ]);
  });

  it("inside the caller's own runInContext the run's frame wins, and the caller's is back after the call", async () => {
    const outer = new MovingExecutionContext("OUTER", true, 9);
    await runInContext(outer, method, async () => {
      const { entry } = openRun("A", 1, true);
      expect(await entry.run(readAfterAwait)).toBe("A@1");
      expect(await readAfterAwait()).toBe("OUTER@9");
    });
  });

  it("a closed entry no longer sets the current frame; close() is idempotent", async () => {
    const a = openRun("A", 1, true);
    a.entry.close();
    a.entry.close();
    const b = openRun("B", 2, true);
    expect(await b.entry.run(readAfterAwait)).toBe("B@2");
    // A closed entry runs its call in the storage: the call sees A, outside code still sees nothing of A.
    expect(await a.entry.run(readAfterAwait)).toBe("A@1");
    b.entry.leave();
    expect(await readAfterAwait()).toBe("none");
  });
});
