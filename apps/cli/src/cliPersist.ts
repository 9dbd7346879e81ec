// Builds the persistence adapter of --persist: fs (a folder under the state dir), redis (BT_REDIS_URL)
// or mongo (BT_MONGO_URL). The server adapters are imported lazily, so their drivers load only when used.

import { join } from "node:path";
import type { AnyPersistAdapter } from "@bt/engine";
import { badInput } from "./cliError";

/** Values of --persist. */
export const PERSIST_KINDS = ["fs", "redis", "mongo"] as const;

/** One of PERSIST_KINDS. */
export type PersistKind = (typeof PERSIST_KINDS)[number];

/**
 * Checks a --persist value.
 * @throws CliError (exit 2) for an unknown adapter.
 */
export function parsePersistKind(value: string): PersistKind {
  const kind = PERSIST_KINDS.find((name) => name === value.toLowerCase());
  if (kind === undefined) {
    throw badInput(
      `unknown persistence adapter ${JSON.stringify(value)}`,
      `use one of: ${PERSIST_KINDS.join(", ")}`,
    );
  }
  return kind;
}

/** Default server URLs of the redis and mongo adapters (what they connect to without an env URL). */
const DEFAULT_URLS = { redis: "redis://127.0.0.1:6379", mongo: "mongodb://127.0.0.1:27017" } as const;

/** A URL with its password (and user) replaced, safe to print. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "<invalid url>";
  }
}

/**
 * Where the adapter of `kind` keeps its state, for start-up messages: the fs folder, the redis URL
 * (password hidden) and key prefix, or the mongo URL (password hidden) and database.
 */
export function describePersistLocation(
  kind: PersistKind,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (kind === "fs") return `fs at ${join(stateDir, "persist")}`;
  if (kind === "redis") {
    const url = env.BT_REDIS_URL ?? DEFAULT_URLS.redis;
    return `redis at ${redactUrl(url)}, key prefix ${env.BT_REDIS_PREFIX ?? "bt"}`;
  }
  return `mongo at ${redactUrl(env.BT_MONGO_URL ?? DEFAULT_URLS.mongo)}, database bt`;
}

/** Creates and initialises the adapter (`fs` stores under `<stateDir>/persist`). */
export async function createCliPersist(
  kind: PersistKind,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  onWarning: (message: string) => void,
): Promise<AnyPersistAdapter> {
  let adapter: AnyPersistAdapter;
  if (kind === "fs") {
    const { createFsPersist } = await import("@bt/persist-fs");
    adapter = createFsPersist({ dir: join(stateDir, "persist"), onWarning });
  } else if (kind === "redis") {
    const { createRedisPersist } = await import("@bt/persist-redis");
    adapter = createRedisPersist({
      url: env.BT_REDIS_URL,
      keyPrefix: env.BT_REDIS_PREFIX ?? "bt",
      onWarning,
    });
  } else {
    const { createMongoPersist } = await import("@bt/persist-mongo");
    adapter = createMongoPersist({ url: env.BT_MONGO_URL, onWarning });
  }
  await adapter.waitForInit();
  return adapter;
}
