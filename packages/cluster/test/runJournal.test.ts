// The run journal on the real file system: header check naming the first differing field, torn tail
// truncated, damaged middle line refused with its line number, serialised concurrent appends, and a
// child process SIGKILLed at random moments while appending: every record survives whole and in order.

import { spawn } from "node:child_process";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BtError } from "@bt/core";
import { afterAll, describe, expect, it } from "vitest";
import { firstDifference, openRunJournal } from "../src/index.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const folders: string[] = [];

async function tempPath(name = "run.jsonl"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bt-journal-"));
  folders.push(dir);
  return join(dir, "nested", "deeper", name);
}

afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<BtError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BtError.isInstance(error)).toBe(true);
  return error as BtError;
}

describe("openRunJournal", () => {
  it("creates the file and its folders, writes the header line, reads records back on reopen", async () => {
    const path = await tempPath();
    const header = { params: { fast: [3, 5] }, symbols: ["BTCUSDT"] };
    const first = await openRunJournal<typeof header, { n: number }>(path, header, { kind: "sweep" });
    expect(first.resumed).toBe(false);
    expect(first.records).toEqual([]);
    await first.append({ n: 1 });
    await first.append({ n: 2 });
    await first.close();
    const lines = (await readFile(path, "utf8")).split("\n");
    expect(JSON.parse(lines[0] as string)).toEqual({ kind: "sweep", version: 1, header });
    expect(lines).toHaveLength(4);
    const second = await openRunJournal<typeof header, { n: number }>(path, header, { kind: "sweep" });
    expect(second.resumed).toBe(true);
    expect(second.records).toEqual([{ n: 1 }, { n: 2 }]);
    await second.append({ n: 3 });
    await second.close();
    await second.close();
    await expect(second.append({ n: 4 })).rejects.toThrow(/append after close/);
    const third = await openRunJournal(path, header, { kind: "sweep" });
    expect(third.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await third.close();
  });

  it("refuses another run's journal, naming the path and the first differing field", async () => {
    const path = await tempPath();
    const journal = await openRunJournal(path, {
      params: { fast: [3, 5], slow: [13] },
      metric: "sharpeRatio",
    });
    await journal.close();
    const error = await rejection(
      openRunJournal(path, { params: { fast: [3, 6], slow: [13] }, metric: "sharpeRatio" }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/the journal's params\.fast\[1\] differs from this run's/);
    expect(error.field).toBe("params.fast[1]");
    const kind = await rejection(
      openRunJournal(
        path,
        { params: { fast: [3, 5], slow: [13] }, metric: "sharpeRatio" },
        { kind: "optimize" },
      ),
    );
    expect(kind.message).toMatch(/not a optimize journal/);
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toBeNull();
    expect(firstDifference({ a: 1 }, { a: 1, extra: true })).toBe("extra");
  });

  it("drops and truncates a torn last line (a kill mid-write)", async () => {
    const path = await tempPath();
    const journal = await openRunJournal<object, { n: number }>(path, { run: 1 });
    await journal.append({ n: 1 });
    await journal.close();
    await appendFile(path, '{"n":2,"pay');
    const reopened = await openRunJournal<object, { n: number }>(path, { run: 1 });
    expect(reopened.records).toEqual([{ n: 1 }]);
    await reopened.append({ n: 3 });
    await reopened.close();
    expect((await readFile(path, "utf8")).split("\n").slice(1)).toEqual(['{"n":1}', '{"n":3}', ""]);
    // A torn header: the journal starts afresh.
    const torn = await tempPath();
    await mkdir(dirname(torn), { recursive: true });
    await writeFile(torn, '{"kind":"run","vers');
    const fresh = await openRunJournal(torn, { run: 2 });
    expect(fresh.resumed).toBe(false);
    await fresh.close();
    expect(JSON.parse((await readFile(torn, "utf8")).split("\n")[0] as string).header).toEqual({ run: 2 });
  });

  it("refuses a damaged line before the last, naming the file and the line", async () => {
    const path = await tempPath();
    const journal = await openRunJournal<object, { n: number }>(path, { run: 1 });
    await journal.append({ n: 1 });
    await journal.close();
    await appendFile(path, 'garbage{\n{"n":3}\n');
    const error = await rejection(openRunJournal(path, { run: 1 }));
    expect(error.code).toBe("STATE");
    expect(error.message).toContain(`${path}:3: the line is not JSON`);
  });

  it("serialises concurrent appends: one whole line each, in call order", async () => {
    const path = await tempPath();
    const journal = await openRunJournal<object, { n: number; payload: string }>(path, { run: 1 });
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => journal.append({ n, payload: "y".repeat((n * 997) % 5000) })),
    );
    await journal.close();
    const reopened = await openRunJournal<object, { n: number }>(path, { run: 1 });
    expect(reopened.records.map((record) => record.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    await reopened.close();
  });

  it("survives SIGKILL at random moments: every record whole and in order", async () => {
    const path = await tempPath();
    let expected = 0;
    for (let round = 0; round < 5; round++) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=@bt/source", "test/fixtures/journalAppender.ts", path],
        { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stderr.on("data", (chunk) => {
        output += String(chunk);
      });
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the appender did not start: ${output}`)), 30_000);
        child.stdout.on("data", (chunk) => {
          output += String(chunk);
          const ready = /ready (\d+)/.exec(output);
          if (ready !== null) {
            clearTimeout(timer);
            // The child sees every record the last round left.
            expect(Number(ready[1])).toBe(expected);
            resolve();
          }
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 250));
      child.kill("SIGKILL");
      await exited;
      const journal = await openRunJournal<object, { n: number; payload: string }>(
        path,
        { test: "kill" },
        { kind: "kill-test" },
      );
      const numbers = journal.records.map((record) => record.n);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, n) => n));
      expect(numbers.length).toBeGreaterThanOrEqual(expected);
      expect(journal.records.every((record) => /^x*$/.test(record.payload))).toBe(true);
      expected = numbers.length;
      await journal.close();
    }
    expect(expected).toBeGreaterThan(0);
  }, 120_000);
});
