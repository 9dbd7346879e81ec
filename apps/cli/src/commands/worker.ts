// `bt worker`: a cluster worker process (@bt/cluster on BullMQ/Redis) that consumes parameter-sweep
// jobs from any coordinator until SIGINT / SIGTERM; running jobs finish before it exits.

import { BtError } from "@bt/core";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";

/** Help text of `bt worker`: the options of @bt/cluster's bt-worker, with the CLI's own header and examples. */
async function workerHelp(): Promise<string> {
  const { WORKER_USAGE } = await import("@bt/cluster");
  const options = WORKER_USAGE.split("\n").slice(1).join("\n");
  return `Usage: bt worker [options]

Consumes parameter-sweep jobs (strategy file + parameters + symbol + frame) queued by a coordinator
(runClusterSweep from @bt/cluster) on Redis. Start any number of workers on any machine that can
read the strategy and candle files; a worker killed mid-job has its job retried by another.

Options:
${options}
  -h, --help                show this help

Examples:
  bt worker --redis redis://10.0.0.5:6379 --concurrency 2
  bt worker --queue nightly-sweep --root /srv/strategies
`;
}

/** Runs `bt worker`; resolves only with --help (otherwise the process lives until a signal stops it). */
export async function runWorkerCommand(argv: ReadonlyArray<string>, io: ICliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(await workerHelp());
    return 0;
  }
  const { parseWorkerArgs, runWorkerCli } = await import("@bt/cluster");
  try {
    parseWorkerArgs(argv.filter((arg) => arg !== "--verbose"));
  } catch (error) {
    if (BtError.isInstance(error) && error.code === "VALIDATION") {
      throw badInput(error.message.split("\n")[0] ?? error.message, "see bt worker --help");
    }
    throw error;
  }
  await runWorkerCli(argv.filter((arg) => arg !== "--verbose"));
  // The worker's Redis connections keep the process alive; its own signal handlers end it.
  return new Promise<number>(() => {});
}
