// A worker thread that imports nothing and reports at once (bench startupBench.ts, the baseline).
import { parentPort } from "node:worker_threads";

parentPort?.postMessage("ready");
