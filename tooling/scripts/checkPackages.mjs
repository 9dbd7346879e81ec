// Structural check of the monorepo: every package has README.md, src/index.ts, test/ and the template
// exports map; adapters and reports depend on @bt/core only (never the engine); no import cycles.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import madge from "madge";

const problems = [];
const ENGINE_FREE = /^@bt\/(persist-|exchange-|report-)/;
const ALLOWED_WORKSPACE_DEPS = {
  "@bt/core": [],
  "@bt/context": ["@bt/core"],
  "@bt/engine": ["@bt/core", "@bt/context", "@bt/report-markdown"],
};

const packageDirs = ["packages", "apps"]
  .filter((root) => existsSync(root))
  .flatMap((root) => readdirSync(root).map((dir) => join(root, dir)))
  .filter((dir) => existsSync(join(dir, "package.json")));

for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const name = manifest.name;
  for (const required of ["README.md", "src/index.ts", "test"]) {
    if (!existsSync(join(dir, required))) problems.push(`${name}: missing ${required}`);
  }
  if (!manifest.private) {
    const exportKeys = Object.keys(manifest.exports ?? {}).sort();
    const allowed =
      name === "@bt/persist-testkit" ? [".", "./package.json", "./testing"] : [".", "./package.json"];
    if (exportKeys.some((key) => !allowed.includes(key)) || !exportKeys.includes(".")) {
      problems.push(`${name}: exports map must be ${allowed.join(", ")}, got ${exportKeys.join(", ")}`);
    }
    const entry = manifest.exports?.["."];
    if (entry?.["@bt/source"] !== "./src/index.ts" || entry?.import !== "./dist/index.js") {
      problems.push(
        `${name}: exports["."] must map @bt/source → ./src/index.ts and import → ./dist/index.js`,
      );
    }
    if (manifest.type !== "module") problems.push(`${name}: "type" must be "module"`);
  }
  const runtimeDeps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((dep) =>
    dep.startsWith("@bt/"),
  );
  if (ENGINE_FREE.test(name)) {
    const bad = runtimeDeps.filter((dep) => dep !== "@bt/core");
    if (bad.length > 0)
      problems.push(`${name}: adapters may depend on @bt/core only, found ${bad.join(", ")}`);
  }
  if (ALLOWED_WORKSPACE_DEPS[name]) {
    const bad = runtimeDeps.filter((dep) => !ALLOWED_WORKSPACE_DEPS[name].includes(dep));
    if (bad.length > 0) problems.push(`${name}: layer rule forbids depending on ${bad.join(", ")}`);
  }
  if (name === "@bt/core" && Object.keys(manifest.dependencies ?? {}).length > 0) {
    problems.push("@bt/core: must have no runtime dependencies");
  }
  const src = join(dir, "src");
  if (existsSync(src)) {
    const graph = await madge(src, { fileExtensions: ["ts"], tsConfig: join(dir, "tsconfig.json") });
    for (const cycle of graph.circular()) problems.push(`${name}: import cycle ${cycle.join(" → ")}`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`checkPackages: ${problem}`);
  process.exit(1);
}
console.log(`checkPackages: ${packageDirs.length} packages ok (structure, layers, no cycles)`);
