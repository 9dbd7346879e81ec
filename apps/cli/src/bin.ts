#!/usr/bin/env node
// The `bt` executable: runs runCli on the process arguments and exits with its code. A client library
// that keeps sockets open (ccxt keep-alive, a driver) gets one second to close before the process exits.

import { runCli } from "./runCli";

// A reader that stops early (`bt … | head`) closes the pipe: that ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const exitCode = await runCli(process.argv.slice(2));
process.exitCode = exitCode;
setTimeout(() => process.exit(exitCode), 1000).unref();
