import { packageProject } from "../tooling/vitest.shared";

export default packageProject("acceptance", { testTimeout: 300_000 });
