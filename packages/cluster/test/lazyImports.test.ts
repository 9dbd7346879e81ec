import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const REDIS_CLIENTS = /\/node_modules\/(bullmq|ioredis)\//;

describe("lazy Redis clients", () => {
  it("imports the entry and runs sequential, walk-forward and thread sweeps without loading bullmq or ioredis (regression: +290 ms, +24 MB per process)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bt-cluster-lazy-"));
    const file = join(dir, "modules.txt");
    try {
      await run(
        process.execPath,
        [
          "--conditions=@bt/source",
          "--import",
          "tsx",
          "--import",
          fileURLToPath(new URL("./fixtures/recordModules.mjs", import.meta.url)),
          fileURLToPath(new URL("./fixtures/lazyImportsChild.ts", import.meta.url)),
        ],
        { cwd: packageDir, env: { ...process.env, BT_RECORD_MODULES_FILE: file }, timeout: 60_000 },
      );
      const lines = readFileSync(file, "utf8").split("\n");
      const marker = lines.indexOf("#sweeps-done");
      expect(marker).toBeGreaterThan(0);
      const before = lines.slice(0, marker);
      expect(before.some((url) => url.includes("/packages/cluster/src/index.ts"))).toBe(true);
      expect(before.filter((url) => REDIS_CLIENTS.test(url))).toEqual([]);
      // Positive control: the recorder does see ioredis once a Redis function runs.
      expect(lines.slice(marker).some((url) => /\/node_modules\/ioredis\//.test(url))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
