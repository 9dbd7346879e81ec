import type { Options } from "tsup";

/** Shared tsup preset: one ESM entry (src/index.ts) with .d.ts, targeting Node 20. */
export const baseTsupOptions: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  platform: "node",
  treeshake: true,
};
