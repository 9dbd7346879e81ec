import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BtError } from "@bt/core";
import { writeReport } from "@bt/report-markdown";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

describe("writeReport", () => {
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bt-report-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates the directory and writes the exact content, leaving no temp file", async () => {
    const path = join(root, "dump", "backtest", "alpha.md");
    const markdown = "# Backtest report\n\n| a | b |\n| --- | --- |\n| ü | € |\n";
    await writeReport(path, markdown);
    expect(await readFile(path, "utf8")).toBe(markdown);
    expect(await readdir(join(root, "dump", "backtest"))).toEqual(["alpha.md"]);
  });

  it("replaces an existing report whole", async () => {
    const path = join(root, "report.md");
    await writeFile(path, "old content that is longer than the new one\n");
    await writeReport(path, "new\n");
    expect(await readFile(path, "utf8")).toBe("new\n");
    await Promise.all([writeReport(path, "first\n"), writeReport(path, "second\n")]);
    expect(["first\n", "second\n"]).toContain(await readFile(path, "utf8"));
    expect(await readdir(root)).toEqual(["report.md"]);
  });

  it("throws BtError PERSIST and removes its temp file when the target cannot be replaced", async () => {
    const path = join(root, "taken");
    await writeFile(join(root, "keep.txt"), "x");
    // A non-empty directory at the target path makes the rename fail after the temp file was written.
    await writeReport(join(path, "inner.md"), "inner\n");
    try {
      await writeReport(path, "report\n");
      expect.unreachable();
    } catch (error) {
      expect(BtError.isInstance(error)).toBe(true);
      expect((error as BtError).code).toBe("PERSIST");
      expect((error as BtError).field).toBe("path");
    }
    expect((await readdir(root)).sort()).toEqual(["keep.txt", "taken"]);
  });

  it("throws BtError PERSIST when the directory cannot be created", async () => {
    const file = join(root, "file.txt");
    await writeFile(file, "x");
    await expect(writeReport(join(file, "sub", "r.md"), "r")).rejects.toSatisfy(
      (error: unknown) => BtError.isInstance(error) && error.code === "PERSIST",
    );
    expect(await readdir(root)).toEqual(["file.txt"]);
  });
});
