// Public entry of @bt/optimizer: LLM strategy generation. addOptimizer / Optimizer are bound to a default
// registry; createOptimizer() makes independent ones. The model clients and the TypeScript compiler load
// on first use, so importing this package stays cheap.

import { createOptimizer, type IOptimizerRegistry } from "./optimizer";

export { FORBIDDEN_IDENTIFIERS, type ParsedAnswer, parseStrategyAnswer } from "./answerParser";
export {
  createCandleSummarySource,
  type ICandleSummaryRow,
  type ICandleSummarySourceOptions,
  renderCandleSummary,
  summarizeCandles,
} from "./candleSummarySource";
export {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type IChatProvider,
  type IChatRequest,
  type IOptimizerProviderConfig,
} from "./chatProvider";
export { type CodeCheckResult, checkGeneratedCode, type ICheckGeneratedCodeOptions } from "./codeCheck";
export { createChatProvider } from "./createChatProvider";
export {
  createOptimizer,
  type IOptimizerApi,
  type IOptimizerDumpOptions,
  type IOptimizerRegistry,
} from "./optimizer";
export {
  DEFAULT_PAGE_LIMIT,
  defaultSourceAssistant,
  defaultSourceUser,
  type IOptimizerDataOptions,
} from "./optimizerConversation";
export { OptimizerError, type OptimizerErrorCode, type OptimizerErrorDetails } from "./optimizerError";
export type { OptimizerProgressEvent } from "./optimizerProgress";
export { describeRange, type IOptimizerRange } from "./optimizerRange";
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_OPTIMIZER_METRIC,
  type IOptimizerRejection,
  type IOptimizerResult,
  type IOptimizerRunOptions,
  type IOptimizerStrategy,
} from "./optimizerRun";
export type {
  IOptimizerData,
  IOptimizerFetchArgs,
  IOptimizerMessage,
  IOptimizerSchema,
  IOptimizerSource,
} from "./optimizerSchema";
export {
  defaultOptimizerTemplate,
  type IOptimizerFileContext,
  type IOptimizerStrategyContext,
  type IOptimizerTemplate,
  type IOptimizerTemplateStrategy,
} from "./optimizerTemplate";
export { missingPackageMessage } from "./providerError";
export { OPTIMIZER_SYSTEM_PROMPT, retryMessage } from "./systemPrompt";

/** The default registry behind addOptimizer and Optimizer (one per module instance). */
export const defaultOptimizer: IOptimizerRegistry = createOptimizer();

/**
 * Registers an optimizer on the default registry.
 * @throws BtError VALIDATION naming the field and the value.
 * @example addOptimizer({ optimizerName: "jan", rangeTrain, rangeTest, source: [summary], getPrompt: () => "One idea, please." });
 */
export const addOptimizer: IOptimizerRegistry["addOptimizer"] = defaultOptimizer.addOptimizer;

/** getData / run / dump over the default registry (see IOptimizerApi). */
export const Optimizer: IOptimizerRegistry["Optimizer"] = defaultOptimizer.Optimizer;
