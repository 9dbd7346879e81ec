// Plug-in modules given by path (`--persist ./myAdapter.ts`, `--exchange ./myExchange.ts`): loaded like a
// strategy file (TypeScript or JavaScript, no build step), with the export found and checked member by
// member so a wrong module is bad input naming the file and the missing member.

import { badInput } from "./cliError";
import { importUserModule } from "./userModuleLoader";

/** True when an option value names a module file rather than a built-in (./x, ../x, /x or *.ts|js|mjs). */
export function isModulePath(value: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(value) || /\.(m?[jt]s|[jt]sx|cjs|cts)$/.test(value);
}

/** The export of a plug-in module: the first of `names` (e.g. "default", "createPersist") it has. */
export async function loadPluginExport(
  flag: string,
  file: string,
  cwd: string,
  names: ReadonlyArray<string>,
): Promise<{ value: unknown; exportName: string }> {
  const module = await importUserModule(`${flag} module`, file, cwd);
  for (const name of names) {
    if (module[name] !== undefined) return { value: module[name], exportName: name };
  }
  throw badInput(
    `${flag} ${file}: the module has no ${names.map((name) => (name === "default" ? "default export" : `export "${name}"`)).join(" or ")}`,
    `export ${names.includes("default") ? "default" : `const ${names[0]}`} from ${file}; see the plug-in contracts in the @bt/cli README`,
  );
}

/** The members of `value` (an object) that are missing or of the wrong type, as "name (kind)" texts. */
export function missingMembers(
  value: unknown,
  required: Readonly<Record<string, "function" | "string" | "object" | "number">>,
): string[] {
  if (typeof value !== "object" || value === null) return Object.keys(required);
  const record = value as Record<string, unknown>;
  return Object.entries(required)
    .filter(([name, type]) => typeof record[name] !== type || record[name] === null)
    .map(([name, type]) => `${name} (${type === "function" ? "a method" : `a ${type}`})`);
}
