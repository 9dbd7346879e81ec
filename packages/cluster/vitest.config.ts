import { packageProject } from "../../tooling/vitest.shared";

export default packageProject("cluster", { testTimeout: 120_000 });
