import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBt, SMA_STRATEGY } from "./builtCli";

const work = mkdtempSync(join(tmpdir(), "bt-bad-"));
const throwing = join(work, "throws.strategy.ts");
writeFileSync(throwing, 'throw new Error("exploded while importing");\nexport default {};\n');
const noDefault = join(work, "empty.strategy.ts");
writeFileSync(noDefault, "export const nothing = 1;\n");

const cases: Array<[string, string[], RegExp]> = [
  ["a missing strategy file", ["backtest", join(work, "missing.ts")], /strategy file not found/],
  [
    "a strategy file that throws on import",
    ["backtest", throwing],
    /failed to load: exploded while importing/,
  ],
  ["a strategy file without a default export", ["backtest", noDefault], /no strategy as its default export/],
  ["an unknown exchange", ["backtest", SMA_STRATEGY, "--exchange", "nasdaq"], /unknown exchange "nasdaq"/],
  ["a bad --from date", ["backtest", SMA_STRATEGY, "--from", "2025-02-30"], /bad --from date "2025-02-30"/],
  ["a bad --to date", ["backtest", SMA_STRATEGY, "--to", "tomorrow"], /bad --to date "tomorrow"/],
  [
    "--from after --to",
    ["backtest", SMA_STRATEGY, "--from", "2025-01-20", "--to", "2025-01-10"],
    /is not before --to/,
  ],
  ["dates outside the data", ["backtest", SMA_STRATEGY, "--from", "2024-06-01"], /before the data/],
  [
    "a symbol without data",
    ["backtest", SMA_STRATEGY, "--symbol", "DOGEUSDT"],
    /DOGEUSDT has no candle files/,
  ],
  [
    "an unknown option",
    ["backtest", SMA_STRATEGY, "--frm", "2025-01-01"],
    /unknown option "--frm" \(did you mean --from\?\)/,
  ],
  [
    "an unknown --persist adapter",
    ["backtest", SMA_STRATEGY, "--persist", "sqlite"],
    /unknown persistence adapter/,
  ],
  [
    "a live replay without --paper",
    ["live", SMA_STRATEGY, "--exchange", "file", "--from", "2025-01-02"],
    /--exchange file replays recorded candles: it needs --paper/,
  ],
  [
    "a live replay without --from",
    ["live", SMA_STRATEGY, "--exchange", "file", "--paper"],
    /--exchange file needs --from <date>/,
  ],
  [
    "a live replay with a bad --speed",
    ["live", SMA_STRATEGY, "--exchange", "file", "--from", "2025-01-02", "--paper", "--speed", "0"],
    /bad --speed "0"/,
  ],
  [
    "a live replay starting before the data",
    ["live", SMA_STRATEGY, "--exchange", "file", "--from", "2024-06-01", "--paper"],
    /--from 2024-06-01T00:00Z is before the data/,
  ],
  [
    "a live replay with --until not after --from",
    ["live", SMA_STRATEGY, "--exchange", "file", "--from", "2025-01-10", "--until", "2025-01-10", "--paper"],
    /--until 2025-01-10 is not after --from 2025-01-10/,
  ],
  [
    "--speed on a wall-clock live run",
    ["live", SMA_STRATEGY, "--paper", "--speed", "60"],
    /--speed applies to a replay \(--exchange file\) only/,
  ],
  [
    "live with --until in the past",
    ["live", SMA_STRATEGY, "--paper", "--until", "2020-01-01"],
    /--until 2020-01-01 is in the past/,
  ],
  [
    "live orders without API keys",
    ["live", SMA_STRATEGY, "--exchange", "binance"],
    /need BT_API_KEY and BT_API_SECRET/,
  ],
  [
    "live with a bad --until",
    ["live", SMA_STRATEGY, "--paper", "--until", "soon"],
    /bad --until date "soon"/,
  ],
  ["a walker file that throws on import", ["walker", throwing], /walker file .* failed to load/],
];

describe("bad input (built binary): one line on stderr, exit code 2, nothing dumped", () => {
  it.each(cases)("%s", (_name, args, message) => {
    const dumpDir = join(work, `dump-${Math.random().toString(36).slice(2)}`);
    const run = runBt([...args, "--dump", dumpDir], {
      cwd: work,
      env: { BT_API_KEY: "", BT_API_SECRET: "", BT_STATE_DIR: join(work, "state") },
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/ — hint: /);
    expect(run.stdout).toBe("");
    expect(existsSync(dumpDir)).toBe(false);
  });

  it("--verbose adds the stack after the one-line message", () => {
    const run = runBt(["backtest", throwing, "--verbose"], { cwd: work });
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toMatch(/failed to load/);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it("an unknown command exits with 2", () => {
    const unknown = runBt(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^bt: unknown command "frobnicate"/);
  });
});
