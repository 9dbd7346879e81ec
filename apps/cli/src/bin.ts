#!/usr/bin/env node
// The `bt` executable: runs runCli on the process arguments and exits with its code.

import { runCli } from "./runCli";

process.exitCode = await runCli(process.argv.slice(2));
