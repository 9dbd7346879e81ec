import { defineConfig } from "vitest/config";

// One vitest process for the whole monorepo: every package with a vitest.config.ts is a project.
export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "apps/*/vitest.config.ts",
      "bench/vitest.config.ts",
      "acceptance/vitest.config.ts",
      "tooling/doctest/vitest.config.ts",
    ],
    passWithNoTests: true,
  },
});
