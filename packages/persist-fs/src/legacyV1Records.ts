// Finds records of the v1 layout (bt before persistence contract v2) of the live entities in a state
// folder: `<dir>/signal/*.json` and `<dir>/scheduled/*.json`. Contract v2 never reads them, so an open
// position there would be invisible to Live: the adapter refuses to start over them unless told to.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { BtError, legacyV1Error } from "@bt/core";
import { RECORD_EXTENSION } from "./keyFileName";

/** The v1 entities that held live state (an open position, a scheduled signal). */
const LIVE_V1_ENTITIES = ["signal", "scheduled"] as const;

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
  throw legacyV1Error(
    adapter,
    root,
    records.length,
    records,
    `move the v1 folders away (${LIVE_V1_ENTITIES.map((entity) => `${entity}/`).join(", ")})`,
  );
}
