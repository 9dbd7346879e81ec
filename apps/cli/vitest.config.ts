import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { packageProject } from "../../tooling/vitest.shared.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

// examples/ is not a package: its strategies import @bt/* by name, resolved here to the workspace sources
// (the same files the @bt/source condition picks), so tests run them in-process on the tested engine.
export default mergeConfig(packageProject("cli", { testTimeout: 60_000 }), {
  resolve: {
    alias: [
      { find: /^@bt\/cli$/, replacement: `${root}apps/cli/src/index.ts` },
      { find: /^@bt\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
});
