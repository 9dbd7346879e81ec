// The version of @bt/cli, read once from its package.json (dist/ and src/ both sit one folder below it).

import { readFileSync } from "node:fs";

let version: string | undefined;

/** The version of @bt/cli (from its package.json; "unknown" when it cannot be found). */
export function cliVersion(): string {
  if (version !== undefined) return version;
  version = "unknown";
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "@bt/cli") {
        version = manifest.version ?? "0.0.0";
        break;
      }
    } catch {
      // Try the next layout (dist/ or src/).
    }
  }
  return version;
}
