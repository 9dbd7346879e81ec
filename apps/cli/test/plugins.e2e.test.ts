// Plug-ins given by path on the built binary: --persist ./adapter.ts (a factory of the persistence
// contract) and --exchange ./exchange.ts (an IExchangeSchema or a factory of one); a wrong module is
// bad input naming the file and the missing member.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runBt, SMA_STRATEGY } from "./builtCli";

const work = mkdtempSync(join(tmpdir(), "bt-plugins-"));
const env = { BT_STATE_DIR: join(work, "state") };
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DAY = ["--from", "2025-01-10", "--to", "2025-01-13"];

describe("--persist <module>", () => {
  it("runs with the adapter a module's default export creates (relative path, TypeScript)", () => {
    const adapter = relative(work, fixture("memoryPersist.ts"));
    const run = runBt(
      [
        "backtest",
        SMA_STRATEGY,
        "--persist",
        adapter.startsWith(".") ? adapter : `./${adapter}`,
        "--json",
        ...DAY,
      ],
      {
        cwd: work,
        env,
      },
    );
    expect(run.stderr).not.toMatch(/bt backtest:/);
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.closed.length).toBeGreaterThan(0);
    const writes = Number(/memory-plugin: (\d+) writes, state dir given/.exec(run.stderr)?.[1]);
    expect(writes).toBeGreaterThanOrEqual(record.closed.length);
  });

  it("names the file and the missing members of a wrong adapter (exit 2, before the run)", () => {
    const file = fixture("brokenPersist.ts");
    const run = runBt(["backtest", SMA_STRATEGY, "--persist", file, ...DAY], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `^bt backtest: --persist ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: the adapter createPersist\\(\\) returned lacks list \\(a method\\), dispose \\(a method\\)`,
      ),
    );
    expect(run.stdout).toBe("");
  });

  it("names a module without a factory", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--persist", fixture("notAnExchange.ts"), ...DAY], {
      cwd: work,
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--persist .*notAnExchange\.ts: the default export is object, not a factory function/,
    );
  });
});

describe("--exchange <module>", () => {
  it("backtests on the exchange a module's factory returns, same trades as --exchange file", () => {
    const viaModule = runBt(
      ["backtest", SMA_STRATEGY, "--exchange", fixture("csvExchange.ts"), "--json", ...DAY],
      {
        cwd: work,
        env,
      },
    );
    expect(viaModule.stderr).not.toMatch(/bt backtest:/);
    expect(viaModule.status).toBe(0);
    const viaFile = runBt(["backtest", SMA_STRATEGY, "--json", ...DAY], { cwd: work, env });
    const moduleRecord = JSON.parse(viaModule.stdout);
    const fileRecord = JSON.parse(viaFile.stdout);
    expect(moduleRecord.exchangeName).toBe("my-csv");
    expect(moduleRecord.stats).toEqual(fileRecord.stats);
  });

  it("a module exchange has no data bounds: --from and --to are required", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--exchange", fixture("csvExchange.ts")], {
      cwd: work,
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--from and --to are required for this exchange/);
  });

  it("names the file and the missing member of a wrong exchange", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--exchange", fixture("notAnExchange.ts"), ...DAY], {
      cwd: work,
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--exchange .*notAnExchange\.ts: the default export is not an exchange: it lacks getCandles \(a method\)/,
    );
  });

  it("bt live with a module exchange needs --paper (not API keys): real orders go through ccxt", () => {
    const run = runBt(["live", SMA_STRATEGY, "--exchange", fixture("csvExchange.ts")], {
      cwd: work,
      env: { ...env, BT_API_KEY: "", BT_API_SECRET: "" },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is a module exchange: it needs --paper/);
    expect(run.stderr).not.toMatch(/BT_API_KEY/);
  });

  it("names a missing module file", () => {
    const run = runBt(["backtest", SMA_STRATEGY, "--exchange", "./nowhere.ts", ...DAY], { cwd: work, env });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--exchange module file not found: .*nowhere\.ts/);
  });
});
