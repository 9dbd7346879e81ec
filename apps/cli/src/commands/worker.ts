// `bt worker`: a cluster worker process (@bt/cluster on BullMQ/Redis) that consumes parameter-sweep
// jobs from any coordinator until SIGINT / SIGTERM; running jobs finish before it exits.

import { BtError } from "@bt/core";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";

/** Help text of `bt worker`. */
export const WORKER_HELP = `Usage: bt worker [options]

Consumes parameter-sweep jobs (strategy file + parameters + symbol + frame) queued by a coordinator
(runClusterSweep from @bt/cluster) on Redis. Start any number of workers on any machine that can
read the strategy and candle files; a worker killed mid-job has its job retried by another.

Options:
  --redis <url>             Redis URL (default BT_REDIS_URL or redis://127.0.0.1:6379)
  --queue <name>            queue to consume (default bt-sweep)
  --prefix <prefix>         BullMQ key prefix (default bt)
  --concurrency <n>         jobs at once, one thread each (default: available cores)
  --root <dir>              directory relative strategy/candle paths resolve against (default: cwd)
  --lock-duration <ms>      job lock time (default 30000)
  --stalled-interval <ms>   stalled-job check period (default 30000)
  --max-stalled <n>         stalls a job survives before failing (default 3)
  --name <name>             worker name in results (default host:pid)
  --quiet                   no per-job lines
  -h, --help                show this help

Examples:
  bt worker --redis redis://10.0.0.5:6379 --concurrency 2
  bt worker --queue nightly-sweep --root /srv/strategies
`;

/** Runs `bt worker`; resolves only with --help (otherwise the process lives until a signal stops it). */
export async function runWorkerCommand(argv: string[], io: ICliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(WORKER_HELP);
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
