// A temporary project with its OWN copy of @bt/engine, @bt/context, @bt/core and @bt/report-markdown
// in node_modules (the built dist + package.json of each, copied, as an install would leave them; they have
// no third-party dependencies), so a strategy file in it imports a second physical copy of the engine, not
// the one running it.

import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./builtCli";

const COPIED = ["core", "context", "engine", "report-markdown"] as const;

/** Creates the project and copies `files` (absolute path → name in the project root) into it. */
export function createOwnCopyProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "bt-own-copy-"));
  const dependencies = Object.fromEntries(COPIED.map((name) => [`@bt/${name}`, "*"]));
  writeFileSync(
    join(root, "package.json"),
    `${JSON.stringify({ name: "own-copy-project", private: true, type: "module", dependencies }, null, 2)}\n`,
  );
  for (const name of COPIED) {
    const source = join(REPO_ROOT, "packages", name);
    const target = join(root, "node_modules", "@bt", name);
    mkdirSync(target, { recursive: true });
    cpSync(join(source, "package.json"), join(target, "package.json"));
    cpSync(join(source, "dist"), join(target, "dist"), { recursive: true });
  }
  for (const [source, name] of Object.entries(files)) cpSync(source, join(root, name));
  return root;
}
