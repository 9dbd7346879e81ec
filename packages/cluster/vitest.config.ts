import { packageProject } from "../../tooling/vitest.shared.ts";

export default packageProject("cluster", { testTimeout: 120_000 });
