// Issue 18 acceptance: the data commands and the newcomer's offline path, through the BUILT `bt` binary.
// - `bt data download` through real ccxt against a local Binance server (127.0.0.1): resumable (a second run
//   fetches nothing), with progress on stderr, never asking past --to.
// - `bt data list` and `bt data check` on the cache.
// - `bt data import` of a folder with a bad line fails naming file:line; --skip-bad imports the rest.
// - An import of real data (../shared/data when present, else the bundled sample) then an `--offline`
//   backtest on `--exchange binance`: it trades, as on the files, and makes no network request.
// The portable `bt init` (pack, scaffold elsewhere, install from the tarballs, run) is apps/cli/test/init.e2e.

import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BinanceServer,
  localBinanceOptions,
  startBinanceServer,
} from "../../packages/exchange-ccxt/test/binanceServer";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(REPO, "apps/cli/dist/bin.js");
const STRATEGY = join(REPO, "examples/strategies/smaCrossover.ts");
const SHARED_JUNE = join(REPO, "../shared/data/BTCUSDT-1m-2025-06.csv.gz");

/** Runs the built bt without blocking this process (the local Binance server answers from it). */
function bt(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

let work = "";
let server: BinanceServer;
let ccxtEnv: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm exec turbo run build)`);
  work = mkdtempSync(join(tmpdir(), "bt-newcomer-"));
  server = await startBinanceServer({ seriesStartMs: Date.UTC(2024, 0, 1), seriesMinutes: 4 * 1440 });
  const urls = new ccxt.binance().urls.api as unknown as Record<string, string>;
  ccxtEnv = {
    BT_CCXT_OPTIONS: JSON.stringify({ ...localBinanceOptions(server.origin, urls), enableRateLimit: false }),
  };
});

afterAll(async () => {
  await server?.close();
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("bt data", () => {
  it("download fills the cache through ccxt, resumes, and list / check show it", async () => {
    const args = ["data", "download", "--symbols", "BTC/USDT", "--from", "2024-01-01", "--to", "2024-01-03"];
    const first = await bt([...args, "--state", "s", "--json"], work, ccxtEnv);
    expect(first.status, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.symbols[0]).toMatchObject({
      symbol: "BTCUSDT",
      fetchedDays: 2,
      cachedDays: 0,
      candles: 2880,
    });
    expect(first.stderr).toMatch(/progress .*100\.0% 2\/2/);
    // No kline request reaches past --to.
    const klines = server.requests.filter((entry) => entry.path.endsWith("/klines"));
    expect(klines.length).toBeGreaterThan(0);
    for (const request of klines) {
      const start = Number(request.params.startTime);
      const limit = Number(request.params.limit);
      expect(start + limit * 60_000).toBeLessThanOrEqual(Date.UTC(2024, 0, 3));
    }
    const again = await bt([...args, "--state", "s", "--json"], work, ccxtEnv);
    expect(JSON.parse(again.stdout).symbols[0]).toMatchObject({ fetchedDays: 0, cachedDays: 2 });

    const list = await bt(["data", "list", "--state", "s"], work);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(
      /binance\s+BTCUSDT\s+1m\s+2024-01-01T00:00\s+2024-01-02T23:59\s+2880\s+0\s+0/,
    );
    const check = await bt(["data", "check", "--symbol", "BTCUSDT", "--state", "s"], work);
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/2880 candles/);
    expect(check.stdout).toMatch(/ok: no issue found/);
  });

  it("import fails naming file:line for a bad line, --skip-bad imports the rest; check finds a gap", async () => {
    const minutes = (skip: number) => {
      const rows: string[] = [];
      for (let minute = 0; minute < 2 * 1440; minute++) {
        if (minute === skip) continue;
        const price = 100 + (minute % 13) / 10;
        rows.push(
          `${Date.UTC(2025, 2, 1) + minute * 60_000},${price},${price + 0.2},${price - 0.2},${price},5`,
        );
      }
      return rows;
    };
    const bad = join(work, "bad");
    mkdirSync(bad, { recursive: true });
    const rows = minutes(-1);
    rows[1500] = (rows[1500] as string).replace(/^(\d+),[^,]+/, "$1,oops");
    writeFileSync(join(bad, "ABCUSDT-1m-2025-03.csv"), `${rows.join("\n")}\n`);
    const failed = await bt(["data", "import", bad, "--state", "imp"], work);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/ABCUSDT-1m-2025-03\.csv:1501: open is not a number/);
    const skipped = await bt(["data", "import", bad, "--state", "imp", "--skip-bad"], work);
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/skipped 1 bad line/);
    // The cache keeps whole days only: the day with the skipped line is left out, and said so.
    expect(skipped.stdout).toMatch(/2025-03-02: partial day \(1439 of 1440 candles\) not imported/);

    const gappy = join(work, "gappy");
    mkdirSync(gappy, { recursive: true });
    writeFileSync(join(gappy, "ABCUSDT-1m-2025-03.csv"), `${minutes(700).join("\n")}\n`);
    const check = await bt(["data", "check", "--symbol", "ABCUSDT", "--data", gappy, "--json"], work);
    expect(check.status).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report.counts.gap).toBe(1);
    expect(report.missingCandles).toBe(1);
    expect(report.ok).toBe(false);
  });

  it("an import of real data, then an offline backtest on --exchange binance: it trades and asks nothing", async () => {
    const real = existsSync(SHARED_JUNE);
    const folder = join(work, "real");
    mkdirSync(folder, { recursive: true });
    if (real) copyFileSync(SHARED_JUNE, join(folder, "BTCUSDT-1m-2025-06.csv.gz"));
    else
      copyFileSync(
        join(REPO, "examples/data/BTCUSDT-1m-2025-01.csv.gz"),
        join(folder, "BTCUSDT-1m-2025-01.csv.gz"),
      );
    const [from, to] = real ? ["2025-06-01", "2025-07-01"] : ["2025-01-01", "2025-02-01"];
    const imported = await bt(["data", "import", folder, "--state", "real"], work);
    expect(imported.status, imported.stderr).toBe(0);
    const requestsBefore = server.requests.length;
    const run = await bt(
      [
        "backtest",
        STRATEGY,
        "--exchange",
        "binance",
        "--offline",
        "--from",
        from,
        "--to",
        to,
        "--state",
        "real",
        "--json",
      ],
      work,
      // Even with the local server configured, an offline run asks nothing.
      ccxtEnv,
    );
    expect(run.status, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.status).toBe("ok");
    expect(record.stats.tradeCount).toBeGreaterThan(10);
    expect(run.stderr).toMatch(/warning: .*starts at .*T00:05:00\.000Z/);
    expect(server.requests.length).toBe(requestsBefore);
    // A day that is not cached fails at once, naming it, instead of trying the network.
    const missing = await bt(
      [
        "backtest",
        STRATEGY,
        "--exchange",
        "binance",
        "--offline",
        "--from",
        from,
        "--to",
        real ? "2025-07-03" : "2025-02-03",
        "--state",
        "real",
      ],
      work,
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/not in the cache .*offline/);
  });
});
