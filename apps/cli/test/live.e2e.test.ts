import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATA_DIR, runBt, SMA_STRATEGY } from "./builtCli";

const work = mkdtempSync(join(tmpdir(), "bt-live-"));

/** `bt live` replaying the bundled data as fast as possible, paper, with its state in `stateDir`. */
function replay(stateDir: string, from: string, until: string | undefined, extra: string[] = []) {
  return runBt(
    [
      "live",
      SMA_STRATEGY,
      "--exchange",
      "file",
      "--data",
      DATA_DIR,
      "--from",
      from,
      ...(until === undefined ? [] : ["--until", until]),
      "--speed",
      "max",
      "--paper",
      "--state",
      stateDir,
      ...extra,
    ],
    { cwd: work, env: { BT_API_KEY: "", BT_API_SECRET: "" } },
  );
}

/** The result lines ("<ISO time> opened|closed|… BTCUSDT @ price …") of a run's stdout. */
function resultLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^2025-\S+ (scheduled|opened|closed|cancelled) /.test(line));
}

/** The value of a start-up line such as "  clock:        replay …". */
function startupLine(stderr: string, label: string): string {
  const line = stderr.split("\n").find((text) => text.trimStart().startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no "${label}:" start-up line in:\n${stderr}`);
  return line.slice(line.indexOf(":") + 1).trim();
}

describe("bt live --exchange file (built binary): an offline paper replay", () => {
  const stateDir = join(work, "state");

  let firstStdout = "";

  it("replays the bundled data, prints the start-up lines, each result and the live report, exit 0", () => {
    // Before, `--exchange file` was refused ("live trading needs a ccxt exchange") and start-up said
    // nothing of the state folder, the adapter, the broker, the clock or what was restored.
    const run = replay(stateDir, "2025-01-02", "2025-01-04T06:00Z");
    expect(run.stderr).not.toMatch(/error|hint/i);
    expect(run.status).toBe(0);
    expect(startupLine(run.stderr, "state folder")).toBe(stateDir);
    expect(startupLine(run.stderr, "persist")).toBe(`fs at ${join(stateDir, "persist")}`);
    expect(startupLine(run.stderr, "broker")).toMatch(/^paper/);
    expect(startupLine(run.stderr, "clock")).toBe(
      "replay from 2025-01-02T00:00Z at max (as fast as possible), until 2025-01-04T06:00Z (--until)",
    );
    expect(startupLine(run.stderr, "restored")).toMatch(/^nothing \(fresh state/);
    expect(run.stderr).toContain("live: replay reached --until 2025-01-04T06:00Z; stopped");
    const results = resultLines(run.stdout);
    expect(results.filter((line) => line.includes(" closed ")).length).toBeGreaterThanOrEqual(2);
    for (const line of results) {
      const at = line.slice(0, 24);
      expect(at >= "2025-01-02T00:00:00.000Z" && at < "2025-01-04T06:00:00.000Z").toBe(true);
    }
    expect(run.stdout).toContain("\n# Live report");
    firstStdout = run.stdout;
  });

  it("a second run on the same --state prints what it restored and continues the same trades", () => {
    const first = resultLines(firstStdout);
    const closedBefore = first.filter((line) => line.includes(" closed ")).length;
    // On the bundled data the first run ends with a position open (opened after its last close).
    const lastOpened = first.at(-1) ?? "";
    expect(lastOpened).toMatch(/ opened BTCUSDT /);
    const openedAt = `${lastOpened.slice(0, 16)}Z`;
    const run = replay(stateDir, "2025-01-02", "2025-01-05");
    expect(run.stderr).not.toMatch(/error|hint/i);
    expect(run.status).toBe(0);
    const restored = startupLine(run.stderr, "restored");
    expect(restored).toMatch(/^open position \S+ (long|short) @ [\d.]+ \(open\), no scheduled signal, /);
    expect(restored).toContain(`, ${closedBefore} closed trades; last committed tick `);
    // The last committed tick is at or after the open and before the first run's --until.
    const lastTick = /last committed tick (\S+)$/.exec(restored)?.[1] ?? "";
    expect(lastTick >= openedAt && lastTick < "2025-01-04T06:00Z").toBe(true);
    // The engine's own restore line is printed at start-up too, after bt's lines and before any result.
    expect(run.stderr.indexOf("info: Live sma-crossover on BTCUSDT: restored position")).toBeGreaterThan(
      run.stderr.indexOf("restored:"),
    );
    // The replay resumes after the restored last tick instead of replaying from --from.
    expect(startupLine(run.stderr, "clock")).toContain(
      `(the restored state's last committed tick is ${lastTick}, after --from 2025-01-02T00:00Z)`,
    );
    const results = resultLines(run.stdout);
    for (const line of results) expect(`${line.slice(0, 16)}Z` > lastTick).toBe(true);
    // The restored position closes in this run, and the report counts the restored trades with the new ones.
    expect(results[0]).toMatch(/ closed BTCUSDT /);
    const closedNow = results.filter((line) => line.includes(" closed ")).length;
    expect(run.stdout).toContain(`Trades: ${closedBefore + closedNow}`);
  });

  it("without --until (or with one after the data) the replay ends with the data, says so and exits 0", () => {
    for (const until of [undefined, "2025-03-01"]) {
      const run = replay(join(work, `state-end-${until ?? "none"}`), "2025-01-31T18:00Z", until);
      expect(run.status).toBe(0);
      expect(startupLine(run.stderr, "clock")).toMatch(/until the data ends at 2025-02-01T00:00Z$/);
      expect(run.stderr).toContain("live: replay reached the end of the data at 2025-02-01T00:00Z; stopped");
      expect(run.stdout).toContain("\n# Live report");
    }
  });

  it("--until in the past is exit 2 naming the flag and the value, not a silent exit 0", () => {
    // Before, a wall-clock run with --until in the past ended at once with exit 0 and no word.
    const run = runBt(["live", SMA_STRATEGY, "--paper", "--until", "2020-01-01"], {
      cwd: work,
      env: { BT_STATE_DIR: join(work, "state-past") },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^bt live: --until 2020-01-01 is in the past \(now \d{4}-/);
    expect(run.stdout).toBe("");
    const replayRun = replay(join(work, "state-past-replay"), "2025-01-10", "2025-01-05");
    expect(replayRun.status).toBe(2);
    expect(replayRun.stderr).toMatch(/--until 2025-01-05 is not after --from 2025-01-10/);
  });

  it("--exchange file without --paper is exit 2 naming both flags", () => {
    const run = runBt(["live", SMA_STRATEGY, "--exchange", "file", "--from", "2025-01-02"], {
      cwd: work,
      env: { BT_API_KEY: "key", BT_API_SECRET: "secret", BT_STATE_DIR: join(work, "state-nopaper") },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--exchange file .*needs --paper/);
    expect(run.stdout).toBe("");
  });

  it("--speed 600 replays in real time scaled: a few minutes take about a second", () => {
    const started = Date.now();
    const run = runBt(
      [
        "live",
        SMA_STRATEGY,
        "--exchange",
        "file",
        "--from",
        "2025-01-03T10:00Z",
        "--until",
        "2025-01-03T10:10Z",
        "--speed",
        "600",
        "--paper",
        "--state",
        join(work, "state-speed"),
      ],
      { cwd: work },
    );
    const elapsedMs = Date.now() - started;
    expect(run.status).toBe(0);
    expect(startupLine(run.stderr, "clock")).toContain("at 600x real time");
    // Ten replay minutes at 600x are one real second (plus start-up).
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(run.stderr).toContain("live: replay reached --until 2025-01-03T10:10Z; stopped");
  });
});
