// Public entry of @bt/research: optimisation studies over a search space (TPE, random and grid samplers)
// on any @bt/cluster sweep runner, walk-forward optimisation over folds, and the robustness checks of a
// best run (Monte Carlo bands, probabilistic and deflated Sharpe ratio, random-entry baseline).

export { type IFold, type IFoldOptions, type IWindow, walkForwardFolds } from "./folds";
export { type IImportanceBin, type IParamImportance, parameterImportance } from "./importance";
export {
  type IMonteCarloResult,
  type IPercentileValue,
  monteCarloTrades,
  percentileOfSorted,
} from "./monteCarlo";
export { normalCdf, normalQuantile } from "./normal";
export { empiricalPValue } from "./pValue";
export { createRng, deriveSeed, type IRng } from "./rng";
export {
  createGridSampler,
  createRandomSampler,
  createTpeSampler,
  defaultGamma,
  type ISampleContext,
  type ISampler,
  type ITpeOptions,
  type ITrialObservation,
} from "./samplers";
export {
  gridSize,
  gridValues,
  type ParamSet,
  type ParamSpec,
  type ParamValue,
  parseSearchSpace,
  type SearchSpace,
} from "./searchSpace";
export {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  type IDeflatedSharpe,
  type IProbabilisticSharpeInput,
  probabilisticSharpeRatio,
} from "./sharpeSignificance";
export {
  type IObjective,
  type IObjectiveOptions,
  type ObjectiveMetric,
  type ObjectiveScore,
  objectiveDisplayValue,
  resolveObjective,
  scoreStatistics,
} from "./study/objective";
export {
  assessRobustness,
  type BaselineSweepOptions,
  type IRandomEntryBaseline,
  type IRobustnessOptions,
  type IRunRobustness,
  randomEntryBaseline,
} from "./study/robustness";
export {
  type IStudyOptions,
  type IStudyProgress,
  type IStudyResult,
  type IStudyRunnable,
  type IStudyTrial,
  type IStudyTrialRun,
  rankTrials,
  runStudy,
  type SamplerKind,
} from "./study/study";
export { type IStudyReportOptions, renderRobustness, renderStudyReport } from "./study/studyReport";
export {
  type IWalkForwardFold,
  type IWalkForwardFoldOptions,
  type IWalkForwardStitched,
  type IWalkForwardStudyResult,
  runWalkForwardStudy,
} from "./walkForward/walkForward";
