// The OpenAI-compatible provider: the official `openai` client (imported on first use) streaming chat
// completions from any base URL (OpenAI, vLLM, LM Studio, llama.cpp, ollama's /v1), with a timeout.

import {
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type IChatProvider,
  type IOptimizerProviderConfig,
  requestSignal,
} from "./chatProvider";
import { OptimizerError } from "./optimizerError";
import { isModuleNotFound, missingPackageMessage, providerError, timeoutError } from "./providerError";

/** A chat provider over an OpenAI-compatible chat completions API. */
export function createOpenAiProvider(
  config: Extract<IOptimizerProviderConfig, { kind: "openai" }>,
): IChatProvider {
  const baseUrl = (config.baseUrl ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const label = { provider: "openai" as const, model: config.model, host: baseUrl, timeoutMs };
  return {
    kind: "openai",
    model: config.model,
    host: baseUrl,
    async complete(request) {
      let OpenAI: typeof import("openai").default;
      try {
        OpenAI = (await import("openai")).default;
      } catch (error) {
        if (!isModuleNotFound(error)) throw error;
        throw new OptimizerError("MISSING_DEPENDENCY", missingPackageMessage("openai", "openai"), {
          provider: "openai",
          cause: error,
        });
      }
      const client = new OpenAI({
        baseURL: baseUrl,
        apiKey: config.apiKey ?? "not-needed",
        timeout: timeoutMs,
        maxRetries: config.maxRetries ?? 0,
      });
      const deadline = requestSignal(timeoutMs, request.signal);
      let answer = "";
      try {
        const stream = await client.chat.completions.create(
          {
            model: config.model,
            messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
            stream: true,
            ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
            ...(config.seed === undefined ? {} : { seed: config.seed }),
          },
          { signal: deadline.signal },
        );
        for await (const chunk of stream) {
          const text = chunk.choices[0]?.delta?.content ?? "";
          if (text !== "") {
            answer += text;
            request.onToken(text);
          }
        }
        return answer;
      } catch (error) {
        const name = (error as { name?: unknown } | null)?.name;
        if (deadline.timedOut() || name === "APIConnectionTimeoutError") throw timeoutError(label, error);
        if (request.signal?.aborted) {
          throw new OptimizerError("ABORTED", `openai: request to ${baseUrl} aborted`, {
            provider: "openai",
            cause: error,
          });
        }
        throw providerError(label, error);
      } finally {
        deadline.clear();
      }
    },
  };
}
