import { describe, expect, it } from "vitest";
import {
  createContextFrame,
  findContextFrame,
  getExecutionContext,
  type IMethodContext,
  MovingExecutionContext,
  runInFrame,
} from "../src/index";

const method: IMethodContext = { strategyName: "s", exchangeName: "e", frameName: "f" };
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("MovingExecutionContext and runInFrame", () => {
  it("one frame entered many times: the instant moves, `when` is a new Date per read", () => {
    const execution = new MovingExecutionContext("BTCUSDT", true);
    const frame = createContextFrame(execution, method);
    expect(Object.isFrozen(frame)).toBe(true);
    const seen: number[] = [];
    for (const whenMs of [0, 60_000, 120_000]) {
      execution.whenMs = whenMs;
      runInFrame(frame, () => {
        const current = getExecutionContext();
        expect(current).toBe(execution);
        expect(current.whenMs).toBe(whenMs);
        expect(current.when).not.toBe(current.when);
        seen.push(current.when.getTime());
        expect(findContextFrame()).toBe(frame);
      });
    }
    expect(seen).toEqual([0, 60_000, 120_000]);
    expect(findContextFrame()).toBeUndefined();
  });

  it("two frames entered concurrently never see each other's instant, across awaits", async () => {
    const make = (symbol: string, whenMs: number) => {
      const execution = new MovingExecutionContext(symbol, true, whenMs);
      return { execution, frame: createContextFrame(execution, method) };
    };
    const a = make("A", 1);
    const b = make("B", 2);
    const read = async () => {
      await tick();
      const current = getExecutionContext();
      return `${current.symbol}@${current.whenMs}`;
    };
    const [fromA, fromB] = await Promise.all([runInFrame(a.frame, read), runInFrame(b.frame, read)]);
    expect(fromA).toBe("A@1");
    expect(fromB).toBe("B@2");
  });
});
