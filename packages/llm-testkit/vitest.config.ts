import { packageProject } from "../../tooling/vitest.shared.ts";

export default packageProject("llm-testkit", { testTimeout: 60_000 });
