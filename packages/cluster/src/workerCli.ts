// The `bt-worker` command: parses flags, starts a cluster worker, prints one line per job event and
// stops gracefully on SIGINT / SIGTERM (running jobs finish first). `bt worker` in the CLI wraps it.

import { parseArgs } from "node:util";
import { BtError } from "@bt/core";
import { type IClusterWorker, type IClusterWorkerOptions, startClusterWorker } from "./clusterWorker";

/** Usage text of bt-worker. */
export const WORKER_USAGE = `Usage: bt-worker [options]
  --redis <url>             Redis URL (default BT_REDIS_URL or redis://127.0.0.1:6379)
  --queue <name>            queue to consume (default bt-sweep)
  --prefix <prefix>         BullMQ key prefix (default bt)
  --concurrency <n>         jobs at once, one thread each (default: available cores)
  --root <dir>              directory relative strategy/candle paths resolve against (default: cwd)
  --lock-duration <ms>      job lock time (default 30000)
  --stalled-interval <ms>   stalled-job check period (default 30000)
  --max-stalled <n>         stalls a job survives before failing (default 3)
  --name <name>             worker name in results (default host:pid)
  --quiet                   no per-job lines`;

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) {
    throw new BtError("VALIDATION", `bt-worker: ${flag} must be an integer, got ${JSON.stringify(value)}`, {
      field: flag,
      value,
    });
  }
  return parsed;
}

function parseFlags(argv: ReadonlyArray<string>) {
  return parseArgs({
    args: [...argv],
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      prefix: { type: "string" },
      concurrency: { type: "string" },
      root: { type: "string" },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      "max-stalled": { type: "string" },
      name: { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

/**
 * Parses bt-worker flags into worker options.
 * @throws BtError VALIDATION for unknown flags or non-integer numbers.
 */
export function parseWorkerArgs(
  argv: ReadonlyArray<string>,
): IClusterWorkerOptions & { quiet: boolean; help: boolean } {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new BtError("VALIDATION", `bt-worker: ${(error as Error).message}\n${WORKER_USAGE}`, {
      cause: error,
    });
  }
  const values = parsed.values;
  const options: IClusterWorkerOptions & { quiet: boolean; help: boolean } = {
    quiet: values.quiet === true,
    help: values.help === true,
  };
  if (values.redis !== undefined) options.redisUrl = values.redis;
  if (values.queue !== undefined) options.queueName = values.queue;
  if (values.prefix !== undefined) options.prefix = values.prefix;
  if (values.root !== undefined) options.root = values.root;
  if (values.name !== undefined) options.name = values.name;
  const concurrency = integer("--concurrency", values.concurrency);
  if (concurrency !== undefined) options.concurrency = concurrency;
  const lockDurationMs = integer("--lock-duration", values["lock-duration"]);
  if (lockDurationMs !== undefined) options.lockDurationMs = lockDurationMs;
  const stalledIntervalMs = integer("--stalled-interval", values["stalled-interval"]);
  if (stalledIntervalMs !== undefined) options.stalledIntervalMs = stalledIntervalMs;
  const maxStalledCount = integer("--max-stalled", values["max-stalled"]);
  if (maxStalledCount !== undefined) options.maxStalledCount = maxStalledCount;
  return options;
}

/**
 * Runs bt-worker with `argv` (flags only) until SIGINT / SIGTERM; resolves with the running worker.
 * Lines on stdout: `ready <name> queue=<queue> concurrency=<n>`, then `started|completed|failed <jobId> …`.
 * @throws BtError VALIDATION for bad flags, CONFIG when Redis is unreachable.
 */
export async function runWorkerCli(argv: ReadonlyArray<string>): Promise<IClusterWorker | undefined> {
  const { quiet, help, ...options } = parseWorkerArgs(argv);
  if (help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return undefined;
  }
  const worker = await startClusterWorker({
    ...options,
    onJob: quiet
      ? undefined
      : (event) => {
          const detail =
            event.type === "completed"
              ? ` ${Math.round(event.elapsedMs ?? 0)}ms`
              : event.type === "failed"
                ? ` ${JSON.stringify(event.message)}`
                : ` ${event.symbol} ${event.strategyName}`;
          process.stdout.write(`${event.type} ${event.jobId} attempt=${event.attempt}${detail}\n`);
        },
    onError: (error) => process.stderr.write(`bt-worker: ${error.message}\n`),
  });
  process.stdout.write(`ready ${worker.name} queue=${worker.queueName} concurrency=${worker.concurrency}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`stopping (${signal}): waiting for running jobs\n`);
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bt-worker: ${(error as Error)?.message ?? error}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  return worker;
}
