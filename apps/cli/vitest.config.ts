import { packageProject } from "../../tooling/vitest.shared";

export default packageProject("cli", { testTimeout: 60_000 });
