// Preload for `node --import` (bench startupBench.ts): records performance.now() (ms since the process
// started, performance.timeOrigin) when the process first opens a candle file (<SYMBOL>-1m-….csv/.json,
// gzip or not) through node:fs, and writes {"firstCandleReadMs", "path"} to $BENCH_FIRST_READ_FILE.
// Wraps the fs entry points the readers use, then syncs the ESM named exports of node:fs and
// node:fs/promises so `import { open } from "node:fs/promises"` sees the wrappers too.

import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { basename } from "node:path";

const CANDLE_FILE = /^[A-Za-z0-9_.]+-1m-.*\.(csv|json|jsonl|ndjson)(\.gz)?$/i;
const output = process.env.BENCH_FIRST_READ_FILE;
let recorded = false;

function record(path) {
  if (recorded) return;
  const text = path instanceof URL ? path.pathname : String(path);
  if (!CANDLE_FILE.test(basename(text))) return;
  recorded = true;
  const firstCandleReadMs = performance.now();
  const line = JSON.stringify({ firstCandleReadMs, path: text });
  if (output) fs.writeFileSync(output, line);
  else process.stderr.write(`${line}\n`);
}

function wrap(target, name) {
  const original = target[name];
  if (typeof original !== "function") return;
  target[name] = function wrapped(path, ...rest) {
    record(path);
    return original.call(this, path, ...rest);
  };
}

for (const name of ["open", "openSync", "createReadStream", "readFile", "readFileSync"]) wrap(fs, name);
for (const name of ["open", "readFile"]) wrap(fs.promises, name);
syncBuiltinESMExports();
