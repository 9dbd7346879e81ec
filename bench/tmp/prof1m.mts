import { timeBtScenario } from "../src/scenarioTimings";
const scenario = (process.argv[2] ?? "year1m") as Parameters<typeof timeBtScenario>[0];
const result = await timeBtScenario(scenario);
console.log(JSON.stringify(result));
