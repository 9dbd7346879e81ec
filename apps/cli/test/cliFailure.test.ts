import { BtError } from "@bt/core";
import { describe, expect, it } from "vitest";
import { describeFailure } from "../src/cliFailure";

describe("describeFailure", () => {
  it("bad candle data is bad input (exit 2) with a hint that fits the problem", () => {
    const gap = describeFailure(
      new BtError(
        "CANDLES",
        'Candles of BTCUSDT from exchange "file" at 2025-01-02T01:00:00.000Z: gap of 3 missing 1m candle(s), 2025-01-02T01:00:00.000Z to 2025-01-02T01:02:00.000Z (gapPolicy "fill" fills gaps with flat zero-volume candles)',
      ),
    );
    expect(gap.exitCode).toBe(2);
    expect(gap.message).not.toMatch(/gapPolicy/);
    expect(gap.hint).toMatch(/^pass --gaps fill/);
    const row = describeFailure(
      new BtError("CANDLES", "exchange-file: /d/BTCUSDT-1m-2025-01.csv:100: open is not a finite number", {
        field: "open",
      }),
    );
    expect(row.exitCode).toBe(2);
    expect(row.hint).toBe("fix /d/BTCUSDT-1m-2025-01.csv:100 (the open of that row)");
    const late = describeFailure(new BtError("CANDLES", "Candles of X: data ends too early: …"));
    expect(late.hint).toMatch(/--from\/--to/);
    for (const report of [gap, row, late]) expect(report.hint).not.toMatch(/persist/);
  });

  it("blames --persist only for a persistence adapter's own error", () => {
    const report = describeFailure(new BtError("PERSIST", "report: cannot write /d/x.md: ENAMETOOLONG"));
    expect(report.hint).not.toMatch(/--persist/);
    expect(report.hint).toMatch(/--dump\/--out/);
    const adapter = describeFailure(
      new BtError("PERSIST", "redis: connection refused", { adapter: "redis" }),
    );
    expect(adapter.hint).toBe("check --persist redis (BT_REDIS_URL)");
    expect(adapter.exitCode).toBe(1);
  });
});
