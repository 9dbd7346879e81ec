import { cpSync, mkdirSync } from "node:fs";
import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tooling/tsup.base";

// Two entries (the programmatic API and the `bt` bin); the sample data and example strategies are copied
// to dist/assets so `bt init` and `--exchange file` work from an installed package.
export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts", "src/bin.ts"],
  async onSuccess() {
    mkdirSync("dist/assets", { recursive: true });
    cpSync("../../examples/data", "dist/assets/data", { recursive: true });
    cpSync("../../examples/strategies", "dist/assets/strategies", { recursive: true });
  },
});
