// The OpenAI-compatible provider: the official `openai` client (imported on first use) streaming chat
// completions from any base URL (OpenAI, vLLM, LM Studio, llama.cpp, ollama's /v1), with a timeout.

import {
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type IChatProvider,
  type IOptimizerProviderConfig,
} from "./chatProvider";
import { importProviderPackage } from "./providerError";
import { streamAnswer } from "./streamAnswer";

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
      const { default: OpenAI } = await importProviderPackage("openai", "openai", () => import("openai"));
      const client = new OpenAI({
        baseURL: baseUrl,
        apiKey: config.apiKey ?? "not-needed",
        timeout: timeoutMs,
        maxRetries: config.maxRetries ?? 0,
      });
      return streamAnswer(label, request, async (signal) => {
        const stream = await client.chat.completions.create(
          {
            model: config.model,
            messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
            stream: true,
            ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
            ...(config.seed === undefined ? {} : { seed: config.seed }),
          },
          { signal },
        );
        return (async function* texts() {
          for await (const chunk of stream) yield chunk.choices[0]?.delta?.content ?? "";
        })();
      });
    },
  };
}
