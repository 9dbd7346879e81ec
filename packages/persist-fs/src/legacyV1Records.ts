// Finds records of the v1 layout (bt before persistence contract v2) of the live entities in a state
// folder: `<dir>/signal/*.json` and `<dir>/scheduled/*.json`. Contract v2 never reads them, so an open
// position there would be invisible to Live: the adapter refuses to start over them unless told to.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { BtError } from "@bt/core";
import { RECORD_EXTENSION } from "./keyFileName";

/** What to do when v1 records of the live entities are found: refuse to start (default) or ignore them. */
export type LegacyV1Policy = "refuse" | "ignore";

/** The v1 entities that held live state (an open position, a scheduled signal). */
const LIVE_V1_ENTITIES = ["signal", "scheduled"] as const;
/** How many record names the error message shows. */
const SHOWN_RECORDS = 3;

/** Throws unless `policy` is a LegacyV1Policy (or undefined: the default "refuse"). */
export function assertLegacyV1Policy(
  adapter: string,
  policy: unknown,
): asserts policy is LegacyV1Policy | undefined {
  if (policy === undefined || policy === "refuse" || policy === "ignore") return;
  throw new BtError(
    "PERSIST",
    `${adapter}: legacyV1 must be "refuse" or "ignore", got ${JSON.stringify(policy)}`,
    {
      adapter,
      field: "legacyV1",
      value: policy,
    },
  );
}

/**
 * Reads `<root>/signal/` and `<root>/scheduled/` (one directory read each, no file opened) and throws
 * when they hold v1 record files. Never touches them.
 * @throws BtError PERSIST naming the folder, the count, the first records and what to do.
 */
export async function refuseLegacyV1Records(adapter: string, root: string): Promise<void> {
  const records: string[] = [];
  for (const entity of LIVE_V1_ENTITIES) {
    let names: string[];
    try {
      names = await readdir(join(root, entity));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw new BtError(
        "PERSIST",
        `${adapter}: cannot read ${join(root, entity)}: ${(error as Error).message}`,
        {
          adapter,
          cause: error,
        },
      );
    }
    // Record files only: temp files and the quarantine folder start with ".".
    const found = names.filter((name) => !name.startsWith(".") && name.endsWith(RECORD_EXTENSION)).sort();
    records.push(...found.map((name) => `${entity}/${name}`));
  }
  if (records.length === 0) return;
  const shown = records.slice(0, SHOWN_RECORDS).join(", ") + (records.length > SHOWN_RECORDS ? ", …" : "");
  throw new BtError(
    "PERSIST",
    `${adapter}: ${root} holds ${records.length} ${records.length === 1 ? "record" : "records"} of persistence contract v1 (written by bt before contract v2: ${shown}); contract v2 does not read them, so an open position there would be lost. Close those positions with the bt version that wrote them, or move the v1 folders away (${LIVE_V1_ENTITIES.map((entity) => `${entity}/`).join(", ")}) once they hold nothing you need; then start again (or pass legacyV1: "ignore" to start without them).`,
    {
      adapter,
      field: "legacyV1",
      value: { count: records.length, records: records.slice(0, SHOWN_RECORDS) },
    },
  );
}
