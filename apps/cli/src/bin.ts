#!/usr/bin/env node
// The `bt` executable: runs runCli on the process arguments and exits with its code. A client library
// that keeps sockets open (ccxt keep-alive, a driver) gets one second to close before the process exits.

import { runCli } from "./runCli";

const exitCode = await runCli(process.argv.slice(2));
process.exitCode = exitCode;
setTimeout(() => process.exit(exitCode), 1000).unref();
