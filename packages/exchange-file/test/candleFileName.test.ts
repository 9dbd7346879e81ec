import { describeCandleFileName, parseCandleFileName } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";

// name → [symbol, interval, kind, gzip, market]; null when the name is not a candle file bt reads.
const NAMES: Array<[string, [string, string | undefined, string, boolean, string] | null]> = [
  // Binance dumps: monthly and daily, zip / csv / csv.gz, spot and futures (same names)
  ["BTCUSDT-1m-2025-06.zip", ["BTCUSDT", "1m", "zip", false, "spot"]],
  ["BTCUSDT-1m-2025-06-01.zip", ["BTCUSDT", "1m", "zip", false, "spot"]],
  ["BTCUSDT-1m-2025-06-02.csv", ["BTCUSDT", "1m", "csv", false, "spot"]],
  ["BTCUSDT-1m-2025-06.csv.gz", ["BTCUSDT", "1m", "csv", true, "spot"]],
  ["ETHUSDT-15m-2024-12.zip", ["ETHUSDT", "15m", "zip", false, "spot"]],
  ["SOLUSDT-1h-2025-01-31.csv", ["SOLUSDT", "1h", "csv", false, "spot"]],
  ["BTCUSDT-4h-2025-06.ZIP", ["BTCUSDT", "4h", "zip", false, "spot"]],
  ["BTCUSDT-1d-2025-06.zip", ["BTCUSDT", "1d", "zip", false, "spot"]],
  ["1000PEPEUSDT-5m-2025-06.zip", ["1000PEPEUSDT", "5m", "zip", false, "spot"]],
  // freqtrade: spot json / json.gz / feather, futures BASE_QUOTE_SETTLE-<tf>-futures
  ["BTC_USDT-1m.json", ["BTCUSDT", "1m", "json", false, "spot"]],
  ["ETH_USDT-5m.json", ["ETHUSDT", "5m", "json", false, "spot"]],
  ["BTC_USDT-5m.feather", ["BTCUSDT", "5m", "feather", false, "spot"]],
  ["BTC_USDT-1h.feather", ["BTCUSDT", "1h", "feather", false, "spot"]],
  ["BTC_USDT-1m.json.gz", ["BTCUSDT", "1m", "json", true, "spot"]],
  ["BTC_USDT_USDT-1h-futures.feather", ["BTCUSDT", "1h", "feather", false, "futures"]],
  ["ETH_USDT_USDT-5m-futures.json", ["ETHUSDT", "5m", "json", false, "futures"]],
  ["BTC_USDT_USDT-1m.feather", ["BTCUSDT", "1m", "feather", false, "futures"]],
  ["1000SHIB_USDT-1d.feather", ["1000SHIBUSDT", "1d", "feather", false, "spot"]],
  // Other spellings
  ["ETHUSDT.csv", ["ETHUSDT", undefined, "csv", false, "spot"]],
  ["ETHUSDT-1m-2025-06-01-us.csv", ["ETHUSDT", "1m", "csv", false, "spot"]],
  ["EURUSD-5m-generic.csv", ["EURUSD", "5m", "csv", false, "spot"]],
  ["DOGEUSDT-1m.jsonl", ["DOGEUSDT", "1m", "json", false, "spot"]],
  ["X-1m.ndjson.gz", ["X", "1m", "json", true, "spot"]],
  ["btcusdt_1m.csv", ["BTCUSDT", "1m", "csv", false, "spot"]],
  ["BTC-USDT-1h.csv", ["BTCUSDT", "1h", "csv", false, "spot"]],
  ["BTCUSDT-2025-06.csv", ["BTCUSDT", undefined, "csv", false, "spot"]],
  // Not candle files bt reads
  ["README.md", null],
  ["BTCUSDT-1m-2025-06.zip.CHECKSUM", null],
  ["BTCUSDT-1w-2025-06.zip", null],
  ["BTCUSDT-1s-2025-06-01.zip", null],
  ["BTC_USDT-1M.feather", null],
  ["BTC_USDT_USDT-8h-funding_rate.feather", null],
  ["BTC_USDT_USDT-1h-mark.feather", null],
  [".csv", null],
  ["BTC_USDT-1m.feather.gz", null],
];

describe("parseCandleFileName: Binance and freqtrade naming styles", () => {
  for (const [name, expected] of NAMES) {
    it(`${name} → ${expected === null ? "not a candle file" : `${expected[0]} ${expected[1] ?? "(no interval)"} ${expected[2]}`}`, () => {
      const parsed = parseCandleFileName(name);
      if (expected === null) {
        expect(parsed).toBeNull();
        return;
      }
      const [symbol, interval, kind, gzip, market] = expected;
      expect(parsed).toEqual({ symbol, interval, kind, gzip, market });
    });
  }

  it("says why a candle-like name is not read", () => {
    expect(describeCandleFileName("BTCUSDT-1w-2025-06.zip")).toEqual({
      ok: false,
      problem: { kind: "interval", interval: "1w" },
    });
    expect(describeCandleFileName("BTC_USDT_USDT-8h-funding_rate.feather")).toEqual({
      ok: false,
      problem: { kind: "candle-type", candleType: "funding_rate" },
    });
    expect(describeCandleFileName("notes.txt")).toEqual({ ok: false, problem: { kind: "extension" } });
  });
});
