import { defineProject } from "vitest/config";

/** Resolve workspace packages to their TypeScript source so tests never need a build. */
// Only Vite's own server defaults besides @bt/source: "import"/"default" here would be passed to Node as
// --conditions and make require() pick ESM entries of CommonJS dependencies (pg-pool breaks).
export const sourceConditions = ["@bt/source", "module", "node", "development|production"];

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
