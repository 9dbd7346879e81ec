import { packageProject } from "../tooling/vitest.shared.ts";

export default packageProject("acceptance", { testTimeout: 300_000 });
