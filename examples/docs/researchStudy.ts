// examples/docs/smaSweepStrategy.ts: export default (params) => ({ interval: "15m", getSignal: … })
import { runSweepSequential } from "@bt/cluster";
import { assessRobustness, runStudy } from "@bt/research";
import smaSweepStrategy from "./smaSweepStrategy.ts";

const data = {
  symbols: "BTCUSDT",
  frame: { frameName: "jan", startMs: Date.UTC(2025, 0, 2), endMs: Date.UTC(2025, 1, 1) },
  dataSource: { type: "file", dir: "examples/data" } as const, // the bundled sample
};
const study = await runStudy(runSweepSequential, {
  ...data,
  strategy: { name: "sma", factory: smaSweepStrategy }, // runSweep + module: worker threads; runClusterSweep: machines
  space: { fast: { type: "int", low: 3, high: 15 }, slow: { type: "int", low: 20, high: 60, step: 5 } },
  trials: 24, // TPE by default: 10 random trials, then the model
  seed: 7, // the same seed gives the same study
  objective: { metric: "sharpeRatio", minTrades: 10 },
  // journal: ".bt/studies/sma.jsonl", // persisted: a killed study resumes with the missing trials
});
const best = study.bestRun?.symbols[0]?.ranking[0];
console.log(
  `${study.trials.length} trials, best ${study.best?.strategyName}, Sharpe ${study.best?.value?.toFixed(3)}`,
);
console.log(
  study.importance.map((item) => `${item.name} ${((item.importance ?? 0) * 100).toFixed(0)} %`).join(", "),
);
if (best) {
  const robustness = await assessRobustness(data, {
    best,
    tried: study.trials.flatMap((trial) => (trial.duplicateOf === null ? trial.runs : [])),
    objective: study.objective,
    options: { monteCarloRuns: 500, baselineRuns: 20, seed: 7 },
  });
  const { deflatedSharpe, baseline } = robustness; // renderRobustness([robustness]): its markdown
  console.log(
    `DSR ${deflatedSharpe.status === "ok" ? deflatedSharpe.deflatedSharpe.toFixed(3) : deflatedSharpe.reason},`,
    `random-entry p ${baseline.status === "ok" ? baseline.pValue.toFixed(3) : baseline.reason}`,
  );
}
