import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { IWalkerRunRecord } from "../src/runRecord";
import { REPO_ROOT, runBt } from "./builtCli";

const work = mkdtempSync(join(tmpdir(), "bt-walker-frame-"));
const smaModule = JSON.stringify(`${REPO_ROOT}examples/strategies/smaCrossover.ts`);

/** Writes a walker file of two SMA strategies with the given `frame` source text (or none). */
function walkerWithFrame(name: string, frameSource: string | undefined): string {
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { smaCrossover } from ${smaModule};
export default {
  walkerName: ${JSON.stringify(name)},
  ${frameSource === undefined ? "" : `frame: ${frameSource},`}
  strategies: [smaCrossover({ fastPeriod: 5, slowPeriod: 20 }), smaCrossover({ fastPeriod: 10, slowPeriod: 30 })],
};
`,
  );
  return file;
}

const JAN_10 = Date.UTC(2025, 0, 10);
const JAN_12 = Date.UTC(2025, 0, 12);
const JAN_11 = Date.UTC(2025, 0, 11);

describe("bt walker: the walker file's frame", () => {
  it("runs the file's frame when --from / --to are not given (strings and Dates)", () => {
    const strings = walkerWithFrame("framed", '{ from: "2025-01-10", to: "2025-01-12" }');
    const run = runBt(["walker", strings, "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout) as IWalkerRunRecord;
    expect([record.periodStartMs, record.periodEndMs]).toEqual([JAN_10, JAN_12]);
    const dates = walkerWithFrame(
      "dated",
      '{ from: new Date("2025-01-10T00:00Z"), to: new Date("2025-01-12T00:00Z") }',
    );
    const dated = JSON.parse(runBt(["walker", dates, "--json"]).stdout) as IWalkerRunRecord;
    expect([dated.periodStartMs, dated.periodEndMs]).toEqual([JAN_10, JAN_12]);
  });

  it("each flag overrides its end of the frame", () => {
    const file = walkerWithFrame("overridden", '{ from: "2025-01-10", to: "2025-01-12" }');
    const run = runBt(["walker", file, "--to", "2025-01-11", "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout) as IWalkerRunRecord;
    expect([record.periodStartMs, record.periodEndMs]).toEqual([JAN_10, JAN_11]);
  });

  it("a bad frame.from is bad input naming frame.from and the value", () => {
    const file = walkerWithFrame("badFrom", '{ from: "2025-02-30", to: "2025-03-02" }');
    const run = runBt(["walker", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad frame\.from date "2025-02-30"/);
    expect(run.stdout).toBe("");
  });

  it("a frame.to before frame.from is bad input", () => {
    const file = walkerWithFrame("backwards", '{ from: "2025-01-12", to: "2025-01-10" }');
    const run = runBt(["walker", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/frame\.from 2025-01-12T00:00:00\.000Z is not before frame\.to/);
  });

  it("a frame the flags make empty is bad input", () => {
    const file = walkerWithFrame("emptied", '{ from: "2025-01-10", to: "2025-01-12" }');
    const run = runBt(["walker", file, "--from", "2025-01-13"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/frame .* is empty/);
  });
});
