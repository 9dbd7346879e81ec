// Phases of a year backtest on the column exchange: a null strategy (load + loop only) vs the SMA one.
import { createColumnExchange } from "@bt/cluster";
import { createEngine, getCandles } from "@bt/engine";
import { BENCH_START_MS, BENCH_WARMUP_MINUTES, benchColumns, MINUTE_MS, smaCrossover } from "../src/scenarios";
const mode = process.argv[2] ?? "null15";
const minutes = 525_600;
const columns = benchColumns(20250101, minutes);
const t0 = performance.now();
const engine = createEngine();
engine.addExchange(createColumnExchange("bench", { BTCUSDT: columns }));
engine.addFrame({ frameName: "frame", interval: "1m", startDate: new Date(BENCH_START_MS), endDate: new Date(BENCH_START_MS + minutes * MINUTE_MS) });
if (mode === "null15") engine.addStrategy({ strategyName: "s", interval: "15m", getSignal: () => null });
if (mode === "asyncnull15") engine.addStrategy({ strategyName: "s", interval: "15m", getSignal: async () => null });
if (mode === "candles15") engine.addStrategy({ strategyName: "s", interval: "15m", getSignal: async (symbol) => { await getCandles(symbol, "15m", 22); return null; } });
if (mode === "sma15") engine.addStrategy(smaCrossover("s", "15m", 8, 21));
let n = 0;
for await (const _ of engine.Backtest.run("BTCUSDT", { strategyName: "s", exchangeName: "bench", frameName: "frame" }, { warmupMinutes: BENCH_WARMUP_MINUTES })) n++;
console.log(mode, (performance.now() - t0).toFixed(1), "ms", n, "results");
