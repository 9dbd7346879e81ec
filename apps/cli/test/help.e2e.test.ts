import { describe, expect, it } from "vitest";
import { runBt } from "./builtCli";

describe("--help (built binary)", () => {
  it.each([
    "backtest",
    "walker",
    "sweep",
    "optimize",
    "walkforward",
    "live",
    "report",
    "data",
    "init",
    "worker",
  ])("bt %s --help shows usage and examples", (command) => {
    const run = runBt([command, "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: bt ${command}`));
    expect(run.stdout).toMatch(/\nExamples:\n {2}bt /);
    expect(run.stderr).toBe("");
  });

  it("bt --help lists every command", () => {
    const run = runBt(["--help"]);
    expect(run.status).toBe(0);
    for (const command of [
      "backtest",
      "walker",
      "sweep",
      "optimize",
      "walkforward",
      "live",
      "report",
      "data",
      "init",
      "worker",
    ]) {
      expect(run.stdout).toContain(`  ${command}`);
    }
  });
});
