import { fileURLToPath } from "node:url";
import { mergeConfig, type Plugin } from "vitest/config";
import { packageProject } from "../tooling/vitest.shared.ts";

const CONFIG_FILE = fileURLToPath(import.meta.url);

/**
 * The example strategies (examples/strategies, no package of their own) import @bt/engine as a user's
 * file does; like the CLI's module loader, a @bt/* import from there resolves from this package, so the
 * examples share the tests' engine module.
 */
const examplesResolveBt: Plugin = {
  name: "bt-examples-resolve",
  enforce: "pre",
  async resolveId(source, importer, options) {
    if (!source.startsWith("@bt/") || importer === undefined || !importer.includes("/examples/")) return null;
    return this.resolve(source, CONFIG_FILE, { ...options, skipSelf: true });
  },
};

export default mergeConfig(packageProject("acceptance", { testTimeout: 300_000 }), {
  plugins: [examplesResolveBt],
});
