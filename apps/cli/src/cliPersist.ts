// Builds the persistence adapter of --persist: fs (a folder under the state dir), redis (BT_REDIS_URL),
// mongo (BT_MONGO_URL), postgres (BT_PG_URL, @bt/persist-postgres) or a module file whose default export
// (or named export createPersist) is an adapter factory. The server adapters are imported lazily, so
// their drivers load only when used; a module's adapter is checked member by member.

import { join } from "node:path";
import type { IPersistAdapter, IPersistAdapterV2 } from "@bt/core";
import { badInput } from "./cliError";
import { isModulePath, loadPluginExport, missingMembers } from "./pluginModule";

/** Built-in values of --persist. */
export const PERSIST_KINDS = ["fs", "redis", "mongo", "postgres"] as const;

/** One of PERSIST_KINDS. */
export type PersistKind = (typeof PERSIST_KINDS)[number];

/** A checked --persist value: a built-in adapter or a module file. */
export type PersistSpec = { kind: PersistKind } | { kind: "module"; file: string };

/** A persistence adapter of contract v1 or v2 (what the engine accepts). */
export type CliPersistAdapter = IPersistAdapter | IPersistAdapterV2;

/** What the CLI passes to a --persist module's factory. */
export interface ICliPersistFactoryOptions {
  /** bt's working folder (absolute), e.g. for a file-based store. */
  stateDir: string;
  /** The environment of the bt process (connection URLs, credentials). */
  env: Readonly<Record<string, string | undefined>>;
  /** Prints a warning line on stderr. */
  onWarning(message: string): void;
}

/** The contract of a --persist module: its default export (or `createPersist`) is such a factory. */
export type CliPersistFactory = (
  options: ICliPersistFactoryOptions,
) => CliPersistAdapter | Promise<CliPersistAdapter>;

/**
 * Checks a --persist value.
 * @throws CliError (exit 2) for an unknown adapter.
 */
export function parsePersistSpec(value: string): PersistSpec {
  if (isModulePath(value)) return { kind: "module", file: value };
  const kind = PERSIST_KINDS.find((name) => name === value.toLowerCase());
  if (kind === undefined) {
    throw badInput(
      `unknown persistence adapter ${JSON.stringify(value)} (--persist)`,
      `use one of: ${PERSIST_KINDS.join(", ")}, or a module file such as ./myAdapter.ts`,
    );
  }
  return { kind };
}

/** Default server URLs of the server adapters (what they connect to without an env URL). */
const DEFAULT_URLS = {
  redis: "redis://127.0.0.1:6379",
  mongo: "mongodb://127.0.0.1:27017",
  postgres: "postgres://postgres@127.0.0.1:5432/postgres",
} as const;

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
 * Where the adapter keeps its state, for start-up messages: the fs folder, the server URL (password
 * hidden) and key prefix / database / schema, or the module file.
 */
export function describePersistLocation(
  spec: PersistSpec,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  switch (spec.kind) {
    case "fs":
      return `fs at ${join(stateDir, "persist")}`;
    case "redis":
      return `redis at ${redactUrl(env.BT_REDIS_URL ?? DEFAULT_URLS.redis)}, key prefix ${env.BT_REDIS_PREFIX ?? "bt"}`;
    case "mongo":
      return `mongo at ${redactUrl(env.BT_MONGO_URL ?? DEFAULT_URLS.mongo)}, database bt`;
    case "postgres":
      return `postgres at ${redactUrl(env.BT_PG_URL ?? DEFAULT_URLS.postgres)}, schema ${env.BT_PG_SCHEMA ?? "public"}`;
    default:
      return `module ${spec.file}`;
  }
}

const ADAPTER_MEMBERS = {
  name: "string",
  specVersion: "number",
  capabilities: "object",
  waitForInit: "function",
  read: "function",
  write: "function",
  delete: "function",
  list: "function",
  batch: "function",
  corruptions: "function",
  dispose: "function",
} as const;

const LEASE_MEMBERS = { acquireLease: "function", renewLease: "function", releaseLease: "function" } as const;

/**
 * Checks what a --persist module's factory returned.
 * @throws CliError (exit 2) naming the file and the missing member.
 */
export function assertPersistAdapter(file: string, source: string, value: unknown): CliPersistAdapter {
  const missing = missingMembers(value, ADAPTER_MEMBERS);
  const record = value as Record<string, unknown> | null;
  if (missing.length === 0 && record?.specVersion !== 1 && record?.specVersion !== 2) {
    throw badInput(
      `--persist ${file}: the adapter ${source} returned has specVersion ${JSON.stringify(record?.specVersion)}; supported: 1, 2`,
      "implement IPersistAdapterV2 from @bt/core (specVersion: 2)",
    );
  }
  if (missing.length === 0 && record?.specVersion === 2)
    missing.push(...missingMembers(value, LEASE_MEMBERS));
  if (missing.length > 0) {
    throw badInput(
      `--persist ${file}: the adapter ${source} returned lacks ${missing.join(", ")}`,
      "return an IPersistAdapterV2 (or IPersistAdapter) of @bt/core; @bt/persist-testkit checks one",
    );
  }
  return value as CliPersistAdapter;
}

async function moduleAdapter(
  file: string,
  cwd: string,
  options: ICliPersistFactoryOptions,
): Promise<CliPersistAdapter> {
  const { value, exportName } = await loadPluginExport("--persist", file, cwd, ["default", "createPersist"]);
  const source = exportName === "default" ? "the default export" : exportName;
  if (typeof value !== "function") {
    throw badInput(
      `--persist ${file}: ${source} is ${value === null ? "null" : typeof value}, not a factory function`,
      "export default (options) => adapter (a CliPersistFactory); see the @bt/cli README",
    );
  }
  let adapter: unknown;
  try {
    adapter = await (value as (options: ICliPersistFactoryOptions) => unknown)(options);
  } catch (error) {
    throw badInput(
      `--persist ${file}: ${source} threw: ${error instanceof Error ? error.message : String(error)}`,
      "fix the adapter factory",
      error,
    );
  }
  return assertPersistAdapter(
    file,
    source === "the default export" ? "the default export" : `${source}()`,
    adapter,
  );
}

/** Creates and initialises the adapter (`fs` stores under `<stateDir>/persist`). */
export async function createCliPersist(
  spec: PersistSpec,
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  onWarning: (message: string) => void,
  cwd: string = process.cwd(),
): Promise<CliPersistAdapter> {
  let adapter: CliPersistAdapter;
  switch (spec.kind) {
    case "fs": {
      const { createFsPersist } = await import("@bt/persist-fs");
      adapter = createFsPersist({ dir: join(stateDir, "persist"), onWarning });
      break;
    }
    case "redis": {
      const { createRedisPersist } = await import("@bt/persist-redis");
      adapter = createRedisPersist({
        url: env.BT_REDIS_URL,
        keyPrefix: env.BT_REDIS_PREFIX ?? "bt",
        onWarning,
      });
      break;
    }
    case "mongo": {
      const { createMongoPersist } = await import("@bt/persist-mongo");
      adapter = createMongoPersist({ url: env.BT_MONGO_URL, onWarning });
      break;
    }
    case "postgres": {
      const { createPostgresPersist } = await import("@bt/persist-postgres");
      adapter = createPostgresPersist({
        connectionString: env.BT_PG_URL ?? DEFAULT_URLS.postgres,
        ...(env.BT_PG_SCHEMA === undefined ? {} : { schema: env.BT_PG_SCHEMA }),
      });
      break;
    }
    default:
      adapter = await moduleAdapter(spec.file, cwd, { stateDir, env, onWarning });
  }
  await adapter.waitForInit();
  return adapter;
}
