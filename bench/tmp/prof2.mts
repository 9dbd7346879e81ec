import { timeBtScenario } from "../src/scenarioTimings";
const result = await timeBtScenario((process.argv[2] ?? "walker10") as never);
console.log(JSON.stringify(result), "account.close ms", (globalThis as any).__acc, "minutes", (globalThis as any).__n);
