#!/usr/bin/env node
// bt-worker: consume bt sweep jobs from Redis (BullMQ). Runs the built package (dist).
import { runWorkerCli } from "../dist/index.js";

runWorkerCli(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
});
