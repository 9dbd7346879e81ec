import { defineProject } from "vitest/config";

// Own config instead of tooling/vitest.shared packageProject: vitest passes the resolve conditions to its
// worker processes as `--conditions`, and an "import" condition there makes Node's require() load the ESM
// entry of dual packages (pg → pg-pool), which breaks pg. These conditions omit "import" and "default".
const conditions = ["@bt/source", "module", "node"];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@bt/source"] } },
  test: {
    name: "persist-postgres",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
});
