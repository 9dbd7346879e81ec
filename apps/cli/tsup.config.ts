import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tooling/tsup.base";

// Two entries (the programmatic API and the `bt` bin); the sample data and example strategies are copied
// to dist/assets so `bt init` and `--exchange file` work from an installed package. commander is bundled:
// one ES module parses in about half the time of its CommonJS files, on every start-up (the banner gives
// its require() of node: built-ins a real require), and its node:child_process (used only by executable
// subcommands, which bt has none of) is required on first use instead of at start-up (~4 ms).
export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts", "src/bin.ts"],
  noExternal: ["commander"],
  banner: {
    js: 'import { createRequire as __btCreateRequire } from "node:module";\nconst require = __btCreateRequire(import.meta.url);',
  },
  async onSuccess() {
    // commander's top-level require of child_process, made lazy (a commander that changes it fails the build).
    const eager = 'var childProcess = __require("child_process");';
    const chunks = readdirSync("dist").filter((name) => name.endsWith(".js"));
    const holder = chunks.find((name) => readFileSync(`dist/${name}`, "utf8").includes(eager));
    if (holder === undefined)
      throw new Error(`tsup.config.ts: no chunk has ${eager}: update the lazy child_process`);
    const text = readFileSync(`dist/${holder}`, "utf8").replace(
      eager,
      'var childProcess = new Proxy({}, { get: (_target, key) => __require("child_process")[key] });',
    );
    writeFileSync(`dist/${holder}`, text);
    mkdirSync("dist/assets", { recursive: true });
    cpSync("../../examples/data", "dist/assets/data", { recursive: true });
    cpSync("../../examples/strategies", "dist/assets/strategies", { recursive: true });
  },
});
