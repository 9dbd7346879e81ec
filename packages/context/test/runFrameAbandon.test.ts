// In a file of its own: abandonCall() switches the whole process (this test file's worker) to the storage.

import { describe, expect, it } from "vitest";
import { createContextFrame, findContextFrame, MovingExecutionContext, openRunFrame } from "../src/index";

const method = { strategyName: "s", exchangeName: "e", frameName: "f" };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const symbolNow = () => findContextFrame()?.execution?.symbol ?? "none";

function open(symbol: string) {
  return openRunFrame(createContextFrame(new MovingExecutionContext(symbol, true, 0), method), true);
}

describe("a call given up while still running", () => {
  it("never sees the frame of a later lone run", async () => {
    const a = open("A");
    // A's call hangs past its run: the run times it out, gives it up and ends.
    const late = a.run(async () => {
      await sleep(30);
      return symbolNow();
    });
    a.abandonCall();
    a.close();
    // B is now the only sequential run; without abandonCall it would pass its frame as the current one.
    const b = open("B");
    const fromB = await b.run(async () => {
      await sleep(50);
      return symbolNow();
    });
    b.close();
    expect(fromB).toBe("B");
    expect(await late).toBe("none");
  });
});
