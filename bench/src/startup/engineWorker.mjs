// A worker thread that imports the built @bt/engine and reports at once (bench startupBench.ts).
import { parentPort } from "node:worker_threads";

await import("@bt/engine");
parentPort?.postMessage("ready");
