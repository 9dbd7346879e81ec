// Regressions found by a new user (issue "Data in, first run, every message"), each on the built binary:
// the command line (typos, duplicates, global flags, -V), syntax errors with a code frame, console output
// under --json, impossible dates, names that become file names, and bad candle data.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DATA_DIR, runBt, SMA_STRATEGY } from "./builtCli";

const work = mkdtempSync(join(tmpdir(), "bt-messages-"));
const env = { BT_STATE_DIR: join(work, "state") };
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DAY = ["--from", "2025-01-10", "--to", "2025-01-11"];

describe("the command line (commander)", () => {
  it("suggests the flag a typo meant", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--symbl", "BTCUSDT"], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^bt backtest: unknown option "--symbl" \(did you mean --symbol\?\) — hint: see bt backtest --help\n$/,
    );
  });

  it("suggests the command a typo meant", () => {
    const run = runBt(["walkr", SMA_STRATEGY], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command "walkr" \(did you mean walker\?\)/);
  });

  it.each([
    [["--symbol", "BTCUSDT", "--symbol", "ETHUSDT"], /--symbol given twice \("BTCUSDT" and "ETHUSDT"\)/],
    [["-s", "BTCUSDT", "--symbol=ETHUSDT"], /--symbol given twice \("BTCUSDT" and "ETHUSDT"\)/],
    [
      ["--from", "2025-01-10", "--from", "2025-01-12"],
      /--from given twice \("2025-01-10" and "2025-01-12"\)/,
    ],
  ])("rejects a flag given twice, naming it and both values: %j", (flags, message) => {
    const run = runBt(["backtest", SMA_STRATEGY, ...flags], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("accepts the global flags before the command name", () => {
    const run = runBt(["--json", "--verbose", "backtest", SMA_STRATEGY, ...DAY], { cwd: work, env });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).kind).toBe("backtest");
    const help = runBt(["--help", "walker"], { cwd: work, env });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bt walker/);
  });

  it("--json stays a bad flag where it does not apply, wherever it stands", () => {
    const run = runBt(["--json", "init", join(work, "never")], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option "--json"/);
    expect(existsSync(join(work, "never"))).toBe(false);
  });

  it("-V and --version print the version", () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"),
    );
    for (const flag of ["-V", "--version"]) {
      const run = runBt([flag], { cwd: work, env });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${manifest.version}\n`);
    }
  });
});

describe("strategy files", () => {
  it("a syntax error shows file:line:column and a code frame", () => {
    const file = join(work, "syntax.strategy.ts");
    writeFileSync(
      file,
      'const x = 1;\nexport default {\n  strategyName: "s",\n  interval: "1m"\n  getSignal: async () => null,\n};\n',
    );
    const run = runBt(["backtest", "syntax.strategy.ts"], { cwd: work, env });
    expect(run.status).toBe(2);
    const [line, ...frame] = run.stderr.trimEnd().split("\n");
    expect(line).toMatch(
      /^bt backtest: strategy file syntax\.strategy\.ts failed to load: syntax\.strategy\.ts:5:3: Expected "}" but found "getSignal"/,
    );
    expect(frame.join("\n")).toContain(["> 5 |   getSignal: async () => null,", "    |   ^"].join("\n"));
  });

  it('a syntax error in a file loaded through tsx\'s hooks (a computed import) shows file:line:column too, not "Transform failed"', () => {
    writeFileSync(
      join(work, "broken.ts"),
      'export default {\n  strategyName: "s",\n  interval: "1m"\n  getSignal: async () => null,\n};\n',
    );
    writeFileSync(
      join(work, "viaHooks.strategy.ts"),
      'const name = "./broken.ts";\nconst mod = await import(name);\nexport default mod.default;\n',
    );
    const run = runBt(["backtest", "viaHooks.strategy.ts"], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/Transform failed/);
    expect(run.stderr).toMatch(/failed to load: broken\.ts:4:3: Expected "}" but found "getSignal"/);
    expect(run.stderr).toContain("> 4 |   getSignal: async () => null,");
  });

  it("under --json a strategy's console output goes to stderr: stdout is exactly the JSON", () => {
    const run = runBt(["backtest", fixture("chattyStrategy.ts"), "--json", ...DAY], { cwd: work, env });
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.strategyName).toBe("chatty");
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    for (const text of ["chatty: loaded", "chatty: log", "chatty: info", "chatty: debug", "chatty: warn"]) {
      expect(run.stderr).toContain(text);
    }
  });
});

describe("dates", () => {
  it.each([
    ["2025-02-30T10:00+00:00", /bad --from date "2025-02-30T10:00\+00:00": 2025-02 has no day 30/],
    ["2025-01-10T24:00", /bad --from date "2025-01-10T24:00": hour 24 is not 00-23/],
    ["2025-01-10T10:00+25:00", /bad --from date "2025-01-10T10:00\+25:00": offset \+25:00/],
    ["2025-01-10T10:60Z", /minute 60 is not 00-59/],
  ])("rejects the impossible --from %s naming the flag and the value", (value, message) => {
    const run = runBt(["backtest", SMA_STRATEGY, "--from", value], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("names that become file names (--dump)", () => {
  it("a 1,000-character strategy name fails before the run, naming --dump, not --persist", () => {
    const dump = join(work, "dump-long");
    const started = Date.now();
    const run = runBt(["backtest", fixture("namedStrategy.ts"), "--dump", dump], {
      cwd: work,
      env: { ...env, BT_TEST_STRATEGY_NAME: "x".repeat(1000) },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^bt backtest: --dump: the strategyName of .* \(1000 characters\) is too long for a file name/,
    );
    expect(run.stderr).not.toMatch(/persist/i);
    expect(run.stdout).toBe("");
    expect(existsSync(dump)).toBe(false);
    // The whole month is never backtested: the check comes first.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("a/b, a:b and a_b dump to three distinct, stable files", () => {
    const dump = join(work, "dump-names");
    for (const name of ["a/b", "a:b", "a_b", "a/b"]) {
      const run = runBt(["backtest", fixture("namedStrategy.ts"), "--dump", dump, ...DAY], {
        cwd: work,
        env: { ...env, BT_TEST_STRATEGY_NAME: name },
      });
      expect(run.status).toBe(0);
    }
    const files = readdirSync(join(dump, "backtest")).sort();
    expect(files).toHaveLength(6);
    expect(files).toContain("a_b.md");
    expect(files.filter((file) => /^a_b-[0-9a-f]{8}\.md$/.test(file))).toHaveLength(2);
    const names = files
      .filter((file) => file.endsWith(".json"))
      .map((file) => JSON.parse(readFileSync(join(dump, "backtest", file), "utf8")).strategyName)
      .sort();
    expect(names).toEqual(["a/b", "a:b", "a_b"]);
  });
});

describe("bad candle data: exit 2, the precise problem, a hint that fits it", () => {
  const rows = gunzipSync(readFileSync(join(DATA_DIR, "BTCUSDT-1m-2025-01.csv.gz")))
    .toString("utf8")
    .split("\n");
  const dataDir = (name: string, lines: string[]) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "BTCUSDT-1m-2025-01.csv"), `${lines.join("\n")}\n`);
    return dir;
  };
  // Two days of data.
  const twoDays = rows.slice(0, 2 * 1440);

  it("a gap points at --gaps fill (not a library option), and --gaps fill runs", () => {
    const data = dataDir("gap", [...twoDays.slice(0, 1500), ...twoDays.slice(1510)]);
    const run = runBt(["backtest", SMA_STRATEGY, "--data", data], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/CANDLES: .*gap of 10 missing 1m candle/);
    expect(run.stderr).toMatch(/hint: pass --gaps fill/);
    expect(run.stderr).not.toMatch(/gapPolicy/);
    const filled = runBt(["backtest", SMA_STRATEGY, "--data", data, "--gaps", "fill", "--json"], {
      cwd: work,
      env,
    });
    expect(filled.status).toBe(0);
    expect(JSON.parse(filled.stdout).status).toBe("ok");
  });

  it("a bad value names file:line in the hint", () => {
    const broken = [...twoDays];
    broken[99] = (broken[99] as string).replace(/^(\d+),[^,]+/, "$1,not-a-price");
    const data = dataDir("bad-value", broken);
    const run = runBt(["backtest", SMA_STRATEGY, "--data", data], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/BTCUSDT-1m-2025-01\.csv:100: open is not a number/);
    expect(run.stderr).toMatch(/hint: fix .*BTCUSDT-1m-2025-01\.csv:100/);
    expect(run.stderr).not.toMatch(/gaps|--persist/);
  });
});
