import { describe, expect, it } from "vitest";
import { liftGlobalFlags } from "../src/commandLine";

describe("liftGlobalFlags", () => {
  it("moves --verbose, --json and --help from before the command to after it", () => {
    expect(liftGlobalFlags(["--verbose", "backtest", "s.ts"])).toEqual(["backtest", "--verbose", "s.ts"]);
    expect(liftGlobalFlags(["--json", "-h", "walker"])).toEqual(["walker", "--json", "-h"]);
    expect(liftGlobalFlags(["--json", "data", "import", "dir"])).toEqual(["data", "import", "--json", "dir"]);
  });

  it("leaves everything else to commander", () => {
    expect(liftGlobalFlags(["backtest", "--verbose"])).toEqual(["backtest", "--verbose"]);
    expect(liftGlobalFlags(["--symbol", "X", "backtest"])).toEqual(["--symbol", "X", "backtest"]);
    expect(liftGlobalFlags(["--verbose"])).toEqual(["--verbose"]);
  });
});
