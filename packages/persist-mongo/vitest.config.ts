import { defineProject } from "vitest/config";
import { sourceConditions } from "../../tooling/vitest.shared.ts";

// Like tooling/vitest.shared packageProject, plus a global setup that provides a MongoDB-wire server
// (BT_MONGO_URL, or a jongodb binary started for the run).
export default defineProject({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@bt/source"] } },
  test: {
    name: "persist-mongo",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    globalSetup: ["test/globalSetup.ts"],
  },
});
