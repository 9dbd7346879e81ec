import { mergeConfig } from "vitest/config";
import { packageProject } from "../vitest.shared.ts";

// The doc tests: README blocks against examples/docs, each example run on the bundled data. The example
// files that are vitest files (*.test.ts: the testkit READMEs' contract-suite examples) run here as tests.
// The MongoDB-wire server comes from persist-mongo's global setup (BT_MONGO_URL, or jongodb on a free port).
export default mergeConfig(packageProject("doctest", { testTimeout: 120_000 }), {
  test: {
    include: ["test/**/*.test.ts", "../../examples/docs/*.test.ts"],
    globalSetup: ["../../packages/persist-mongo/test/globalSetup.ts"],
  },
});
