import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tooling/tsup.base";

export default defineConfig(baseTsupOptions);
