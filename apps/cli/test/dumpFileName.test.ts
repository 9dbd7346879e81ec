import { describe, expect, it } from "vitest";
import { CliError } from "../src/cliError";
import { assertDumpableName, dumpFileName, MAX_DUMP_NAME_BYTES } from "../src/dumpFileName";

describe("dumpFileName", () => {
  it("keeps a safe name as it is", () => {
    expect(dumpFileName("sma-crossover")).toBe("sma-crossover");
    expect(dumpFileName("a_b")).toBe("a_b");
  });

  it("gives a/b, a:b and a_b distinct, stable names (a hash when sanitising changed the name)", () => {
    const names = ["a/b", "a:b", "a_b"].map(dumpFileName);
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toMatch(/^a_b-[0-9a-f]{8}$/);
    expect(dumpFileName("a/b")).toBe(names[0]);
  });

  it("never yields a hidden, empty or reserved name", () => {
    expect(dumpFileName(".env")).toMatch(/^_env-[0-9a-f]{8}$/);
    expect(dumpFileName("")).toMatch(/^report-[0-9a-f]{8}$/);
    expect(dumpFileName("CON")).toMatch(/^CON-[0-9a-f]{8}$/);
    expect(dumpFileName("nul.txt")).toMatch(/^nul\.txt-[0-9a-f]{8}$/);
  });

  it("refuses a name too long for a file name, naming what and the limit", () => {
    expect(() => assertDumpableName("strategyName of s.ts", "x".repeat(MAX_DUMP_NAME_BYTES))).not.toThrow();
    let caught: unknown;
    try {
      assertDumpableName("strategyName of s.ts", "x".repeat(1000));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).exitCode).toBe(2);
    expect((caught as CliError).message).toMatch(
      /^--dump: the strategyName of s\.ts "x{40}"… \(1000 characters\) is too long .*at most 200/,
    );
  });
});
