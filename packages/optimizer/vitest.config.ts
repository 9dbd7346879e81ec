import { packageProject } from "../../tooling/vitest.shared.ts";

export default packageProject("optimizer", { testTimeout: 60_000 });
