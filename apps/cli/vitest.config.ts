import { packageProject } from "../../tooling/vitest.shared.ts";

export default packageProject("cli", { testTimeout: 60_000 });
