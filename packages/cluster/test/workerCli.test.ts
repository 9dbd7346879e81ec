import { describe, expect, it } from "vitest";
import { clusterJobId, parseWorkerArgs, redisConnectionOptions } from "../src/index.ts";

describe("bt-worker flags and Redis URLs", () => {
  it("parses every flag", () => {
    expect(
      parseWorkerArgs([
        "--redis",
        "redis://h:1/2",
        "--queue",
        "q",
        "--prefix",
        "p",
        "--concurrency",
        "4",
        "--root",
        "/srv/bt",
        "--lock-duration",
        "5000",
        "--stalled-interval",
        "2000",
        "--max-stalled",
        "2",
        "--name",
        "box-1",
        "--quiet",
      ]),
    ).toEqual({
      redisUrl: "redis://h:1/2",
      queueName: "q",
      prefix: "p",
      concurrency: 4,
      root: "/srv/bt",
      lockDurationMs: 5000,
      stalledIntervalMs: 2000,
      maxStalledCount: 2,
      name: "box-1",
      quiet: true,
      help: false,
    });
    expect(parseWorkerArgs([])).toEqual({ quiet: false, help: false });
  });

  it("rejects unknown flags and non-integers with the usage", () => {
    expect(() => parseWorkerArgs(["--bogus"])).toThrow(/Usage: bt-worker/);
    expect(() => parseWorkerArgs(["--concurrency", "two"])).toThrow(/--concurrency must be an integer/);
  });

  it("turns redis URLs into BullMQ connection options", () => {
    expect(redisConnectionOptions("redis://127.0.0.1:6379")).toEqual({
      host: "127.0.0.1",
      port: 6379,
      maxRetriesPerRequest: null,
    });
    expect(redisConnectionOptions("rediss://user:p%40ss@cache.example:6380/3")).toEqual({
      host: "cache.example",
      port: 6380,
      username: "user",
      password: "p@ss",
      db: 3,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(() => redisConnectionOptions("http://x")).toThrow(/must start with redis:\/\//);
  });

  it("makes deterministic job ids without ':'", () => {
    const id = clusterJobId("run1", "BTCUSDT", "sma[fast=5,slow=20]", "jan");
    expect(id).toBe(clusterJobId("run1", "BTCUSDT", "sma[fast=5,slow=20]", "jan"));
    expect(id).not.toBe(clusterJobId("run1", "ETHUSDT", "sma[fast=5,slow=20]", "jan"));
    expect(id.startsWith("run1-")).toBe(true);
    expect(id).not.toContain(":");
  });
});
