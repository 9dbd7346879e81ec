import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import {
  findExecutionContext,
  getExecutionContext,
  getMethodContext,
  type IExecutionContext,
  type IMethodContext,
  runInContext,
  runInExecutionContext,
  runInMethodContext,
} from "../src/index";

const method: IMethodContext = { strategyName: "s", exchangeName: "e", frameName: "f" };
const execution = (symbol: string, ms = 0): IExecutionContext => ({
  symbol,
  when: new Date(ms),
  backtest: true,
});
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("@bt/context", () => {
  it("throws a CONTEXT BtError outside a context", () => {
    expect(findExecutionContext()).toBeUndefined();
    let caught: unknown;
    try {
      getExecutionContext();
    } catch (error) {
      caught = error;
    }
    expect(BtError.isInstance(caught)).toBe(true);
    expect((caught as BtError).code).toBe("CONTEXT");
    expect((caught as Error).message).toMatch(/No execution context/);
    expect(() => getMethodContext()).toThrow(/No method context/);
  });

  it("survives await, Promise.all and nested calls", async () => {
    const seen = await runInContext(execution("BTCUSDT", 5), method, async () => {
      await tick();
      const after = getExecutionContext().symbol;
      const all = await Promise.all(
        [1, 2, 3].map(async () => {
          await tick();
          return getExecutionContext().when.getTime();
        }),
      );
      const nested = await runInExecutionContext(execution("ETHUSDT", 9), async () => {
        await tick();
        return `${getExecutionContext().symbol}/${getMethodContext().strategyName}`;
      });
      const restored = getExecutionContext().symbol;
      const methodSwap = runInMethodContext({ ...method, strategyName: "t" }, () => ({
        symbol: getExecutionContext().symbol,
        strategyName: getMethodContext().strategyName,
      }));
      return { after, all, nested, restored, methodSwap };
    });
    expect(seen).toEqual({
      after: "BTCUSDT",
      all: [5, 5, 5],
      nested: "ETHUSDT/s",
      restored: "BTCUSDT",
      methodSwap: { symbol: "BTCUSDT", strategyName: "t" },
    });
    expect(findExecutionContext()).toBeUndefined();
  });

  it("two concurrent runs never see each other's context", async () => {
    const run = async (symbol: string) => {
      const seen: string[] = [];
      for (let step = 0; step < 50; step++) {
        await runInContext(execution(symbol, step), method, async () => {
          if (step % 3 === 0) await tick();
          else await Promise.resolve();
          const context = getExecutionContext();
          seen.push(`${context.symbol}@${context.when.getTime()}`);
        });
      }
      return seen;
    };
    const [a, b] = await Promise.all([run("AAA"), run("BBB")]);
    expect(a).toEqual(Array.from({ length: 50 }, (_, step) => `AAA@${step}`));
    expect(b).toEqual(Array.from({ length: 50 }, (_, step) => `BBB@${step}`));
  });

  it("returns the value of a synchronous function", () => {
    expect(runInContext(execution("X"), method, () => getExecutionContext().symbol)).toBe("X");
  });
});
