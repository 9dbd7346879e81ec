// Runs an optimizer: per training range asks the model for an idea, parses it against the contract,
// type-checks it in the full-file context, re-asks with the reason and diagnostics up to maxAttempts,
// then renders every accepted idea into one file and checks that file once more.

import type { WalkerMetric } from "@bt/core";
import { parseStrategyAnswer } from "./answerParser";
import type { IOptimizerProviderConfig } from "./chatProvider";
import { checkGeneratedCode } from "./codeCheck";
import { createChatProvider } from "./createChatProvider";
import { buildConversations } from "./optimizerConversation";
import { OptimizerError } from "./optimizerError";
import type { OptimizerProgressEvent } from "./optimizerProgress";
import { describeRange, type IOptimizerRange } from "./optimizerRange";
import type { IOptimizerMessage, IOptimizerSchema } from "./optimizerSchema";
import {
  defaultOptimizerTemplate,
  type IOptimizerFileContext,
  type IOptimizerStrategyContext,
  type IOptimizerTemplate,
} from "./optimizerTemplate";
import { renderOptimizerFile, strategyNameOf } from "./renderOptimizerFile";
import { retryMessage } from "./systemPrompt";

/** Default number of answers asked per training range. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Default walker metric. */
export const DEFAULT_OPTIMIZER_METRIC: WalkerMetric = "sharpeRatio";

/** Options of Optimizer.run and Optimizer.dump. */
export interface IOptimizerRunOptions {
  provider: IOptimizerProviderConfig;
  /** Answers asked per training range before it is reported rejected (positive integer); default 3. */
  maxAttempts?: number;
  onProgress?(event: OptimizerProgressEvent): void;
  /** Aborts fetches and model requests (OptimizerError ABORTED). */
  signal?: AbortSignal;
  /** The file name the launcher comment prints; default "./<optimizerName>.walker.ts" (dump: its out). */
  fileName?: string;
}

/** An accepted idea. */
export interface IOptimizerStrategy {
  strategyName: string;
  /** The exported constant holding it in the generated file. */
  variableName: string;
  rangeIndex: number;
  range: IOptimizerRange;
  /** Answers asked for this range, the accepted one included (1 … maxAttempts). */
  attempts: number;
  /** The model's object literal. */
  code: string;
}

/** A training range whose every answer was rejected. */
export interface IOptimizerRejection {
  rangeIndex: number;
  range: IOptimizerRange;
  attempts: number;
  /** Why the last answer was rejected. */
  reason: string;
  /** The first type-check or syntax diagnostics of the last answer. */
  diagnostics: string[];
  /** The last answer, as the model sent it. */
  answer: string;
}

/** What run returns: the checked file's text, the accepted ideas and the rejected ranges. */
export interface IOptimizerResult {
  optimizerName: string;
  symbol: string;
  /** The generated module (type-checked). */
  code: string;
  strategies: IOptimizerStrategy[];
  rejected: IOptimizerRejection[];
}

/** The whole template: the defaults with the schema's overrides. */
export function resolveTemplate(schema: IOptimizerSchema): IOptimizerTemplate {
  return { ...defaultOptimizerTemplate, ...schema.template };
}

/** The file-level template context for `strategies`. */
function fileContext(
  schema: IOptimizerSchema,
  symbol: string,
  fileName: string,
  strategies: ReadonlyArray<IOptimizerStrategyContext>,
): IOptimizerFileContext {
  return {
    optimizerName: schema.optimizerName,
    symbol,
    walkerName: schema.optimizerName,
    metric: schema.metric ?? DEFAULT_OPTIMIZER_METRIC,
    rangeTrain: schema.rangeTrain,
    rangeTest: schema.rangeTest,
    strategies: strategies.map((strategy) => ({
      strategyName: strategy.strategyName,
      variableName: strategy.variableName,
      index: strategy.index,
      range: strategy.range,
    })),
    fileName,
  };
}

/**
 * The diagnostics inside the idea's own part of `file` (a wrong idea also breaks the walker's strategies
 * array: that echo would only distract the model); all of them when none is inside.
 */
function ideaDiagnostics(file: string, part: string, diagnostics: string[]): string[] {
  const start = file.indexOf(part.trimEnd());
  if (start < 0) return diagnostics;
  const firstLine = file.slice(0, start).split("\n").length;
  const lastLine = firstLine + part.trimEnd().split("\n").length - 1;
  const inside = diagnostics.filter((diagnostic) => {
    const line = Number(/^line (\d+):/.exec(diagnostic)?.[1]);
    return line >= firstLine && line <= lastLine;
  });
  return inside.length > 0 && inside.length < diagnostics.length ? inside : diagnostics;
}

/**
 * Asks the model for one idea per training range and renders the accepted ones into one checked file.
 * @throws OptimizerError NO_STRATEGY naming the optimizer and each range's last reason when no idea
 * survived; TIMEOUT / PROVIDER / MISSING_DEPENDENCY / ABORTED from the provider.
 */
export async function runOptimizer(
  schema: IOptimizerSchema,
  symbol: string,
  options: IOptimizerRunOptions,
): Promise<IOptimizerResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const onProgress = options.onProgress ?? (() => {});
  const fileName = options.fileName ?? `./${schema.optimizerName}.walker.ts`;
  const template = resolveTemplate(schema);
  const provider = createChatProvider(options.provider);
  const data = await buildConversations(schema, symbol, options);
  const accepted: Array<{ context: IOptimizerStrategyContext; attempts: number }> = [];
  const rejected: IOptimizerRejection[] = [];
  const usedNames = new Set<string>();
  for (const { rangeIndex, range, messages, prompt } of data) {
    let strategyName = strategyNameOf(schema.optimizerName, rangeIndex);
    while (usedNames.has(strategyName)) strategyName = `${strategyName}-${rangeIndex + 1}`;
    usedNames.add(strategyName);
    const conversation: IOptimizerMessage[] = [...messages, { role: "user", content: prompt }];
    let last: Omit<IOptimizerRejection, "rangeIndex" | "range" | "attempts"> = {
      reason: "",
      diagnostics: [],
      answer: "",
    };
    let done = false;
    for (let attempt = 1; attempt <= maxAttempts && !done; attempt += 1) {
      onProgress({ kind: "request", rangeIndex, attempt, provider: provider.kind, model: provider.model });
      const answer = await provider.complete({
        messages: conversation,
        onToken: (text) => onProgress({ kind: "token", rangeIndex, attempt, text }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const parsed = await parseStrategyAnswer(answer);
      if (parsed.ok) {
        const context: IOptimizerStrategyContext = {
          optimizerName: schema.optimizerName,
          symbol,
          strategyName,
          variableName: `strategy${rangeIndex + 1}`,
          index: rangeIndex,
          range,
          note: range.note ?? "",
          ideaNote: parsed.note ?? "",
          code: parsed.code,
          properties: parsed.properties,
        };
        // Checked alone in the full-file context, so one bad range cannot sink the others.
        const file = renderOptimizerFile(template, fileContext(schema, symbol, fileName, [context]), [
          context,
        ]);
        const check = await checkGeneratedCode(file);
        onProgress({
          kind: "check",
          phase: "strategy",
          rangeIndex,
          ok: check.ok,
          durationMs: check.durationMs,
        });
        if (check.ok) {
          accepted.push({ context, attempts: attempt });
          onProgress({ kind: "accepted", rangeIndex, range, attempt, strategyName });
          done = true;
          continue;
        }
        const diagnostics = ideaDiagnostics(file, template.strategy(context), check.diagnostics);
        const reason =
          diagnostics === check.diagnostics
            ? check.reason
            : diagnostics.length === 1
              ? `type error: ${diagnostics[0]}`
              : `${diagnostics.length} type errors, the first: ${diagnostics[0]}`;
        last = { reason, diagnostics, answer };
      } else {
        last = { reason: parsed.reason, diagnostics: parsed.diagnostics, answer };
      }
      onProgress({
        kind: "rejected",
        rangeIndex,
        range,
        attempt,
        reason: last.reason,
        diagnostics: last.diagnostics,
      });
      if (attempt === maxAttempts) {
        rejected.push({ rangeIndex, range, attempts: attempt, ...last });
      } else {
        conversation.push(
          { role: "assistant", content: answer },
          { role: "user", content: retryMessage(last.reason, last.diagnostics) },
        );
      }
    }
  }
  if (accepted.length === 0) {
    const reasons = rejected.map(
      (rejection) =>
        `rangeTrain[${rejection.rangeIndex}] ${describeRange(rejection.range)}: ${rejection.reason}`,
    );
    throw new OptimizerError(
      "NO_STRATEGY",
      `optimizer "${schema.optimizerName}": no strategy idea survived ${maxAttempts} attempt(s) per range; nothing written.\n${reasons.join("\n")}`,
      { optimizerName: schema.optimizerName, provider: provider.kind },
    );
  }
  const contexts = accepted.map((entry) => entry.context);
  const code = renderOptimizerFile(template, fileContext(schema, symbol, fileName, contexts), contexts);
  const check = await checkGeneratedCode(code);
  onProgress({ kind: "check", phase: "file", ok: check.ok, durationMs: check.durationMs });
  if (!check.ok) {
    throw new OptimizerError(
      "NO_STRATEGY",
      `optimizer "${schema.optimizerName}": the ideas pass one by one but the whole file does not type-check (a template part?); nothing written: ${check.reason}`,
      { optimizerName: schema.optimizerName, provider: provider.kind },
    );
  }
  return {
    optimizerName: schema.optimizerName,
    symbol,
    code,
    strategies: accepted.map(({ context, attempts }) => ({
      strategyName: context.strategyName,
      variableName: context.variableName,
      rangeIndex: context.index,
      range: context.range,
      attempts,
      code: context.code,
    })),
    rejected,
  };
}
