import { defineProject } from "vitest/config";

/** Resolve workspace packages to their TypeScript source so tests never need a build. */
export const sourceConditions = ["@bt/source", "module", "node", "import", "default"];

/** A vitest project rooted at one package directory. */
export function packageProject(name: string, overrides: { testTimeout?: number } = {}) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@bt/source"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: overrides.testTimeout ?? 20_000,
    },
  });
}
