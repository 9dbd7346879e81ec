import { createFileExchange, importCandles, withCandleCache } from "@bt/exchange-file";

// BTCUSDT-1m-2025-01.csv.gz, ETHUSDT-1m-2025-01.csv.gz … → symbols BTCUSDT, ETHUSDT (1m; higher intervals aggregated)
const files = createFileExchange({ dir: "examples/data" });
console.log(await files.listSymbols(), await files.intervalsOf("BTCUSDT"));
const [first] = await files.getCandles("BTCUSDT", "1h", new Date("2025-01-01T00:00:00Z"), 1);
console.log("first 1h candle closes at", first?.close);

// Pre-fill a candle cache from a folder of dumps (Binance csv/zip, freqtrade json/feather), as `bt data import` does.
const summary = await importCandles({ from: "examples/data", cacheDir: "./cache", exchangeName: "binance" });
console.log(summary.symbols, summary.days, "days");

// Any exchange, cached per (exchange, symbol, interval, UTC day). Offline, only cached days are served:
// the exchange behind it (here a stub) is never asked.
const offline = { exchangeName: "binance", getCandles: () => Promise.reject(new Error("no network")) };
const cached = withCandleCache(offline, { dir: "./cache", offline: true });
const day = await cached.getCandles("BTCUSDT", "1m", new Date("2025-01-02T00:00:00Z"), 1440);
console.log(day.length, "cached candles of 2025-01-02");
