import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tooling/tsup.base";

// Besides the entry: the worker-thread entry and the task it loads, as files beside index.js.
export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts", "src/threadTask.ts", "src/threadWorker.mjs"],
  dts: { entry: "src/index.ts" },
});
