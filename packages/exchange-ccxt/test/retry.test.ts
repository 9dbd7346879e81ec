import { describe, expect, it } from "vitest";
import { withRetry } from "../src/retry";

class Transient extends Error {}

describe("withRetry", () => {
  it("retries transient failures with doubling delays and returns the first success", async () => {
    const delays: number[] = [];
    const attempts: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Transient(`fail ${attempt}`);
        return "done";
      },
      {
        retries: 5,
        backoffMs: 2,
        shouldRetry: (error) => error instanceof Transient,
        onRetry: (_error, _retry, delayMs) => delays.push(delayMs),
      },
    );
    expect(result).toBe("done");
    expect(attempts).toEqual([0, 1, 2, 3]);
    expect(delays).toEqual([2, 4, 8]);
  });

  it("rethrows the last transient error when the retries are spent", async () => {
    let calls = 0;
    const outcome = withRetry(
      async () => {
        calls++;
        throw new Transient(`fail ${calls}`);
      },
      { retries: 2, backoffMs: 0, shouldRetry: () => true },
    );
    await expect(outcome).rejects.toThrow("fail 3");
    expect(calls).toBe(3);
  });

  it("never retries an error the caller calls permanent", async () => {
    let calls = 0;
    const outcome = withRetry(
      async () => {
        calls++;
        throw new Error("permanent");
      },
      { retries: 4, backoffMs: 0, shouldRetry: (error) => error instanceof Transient },
    );
    await expect(outcome).rejects.toThrow("permanent");
    expect(calls).toBe(1);
  });
});
