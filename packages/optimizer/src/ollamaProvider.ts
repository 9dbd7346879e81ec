// The ollama provider: the `ollama` npm client (an optional peer dependency, imported on first use)
// streaming /api/chat, with temperature and seed as model options and a timeout over the whole answer.

import {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type IChatProvider,
  type IOptimizerProviderConfig,
} from "./chatProvider";
import { importProviderPackage } from "./providerError";
import { streamAnswer } from "./streamAnswer";

/** The part of the ollama module this provider uses. */
export type OllamaModule = typeof import("ollama");

/**
 * Imports the optional `ollama` package through `importer`.
 * @throws OptimizerError MISSING_DEPENDENCY naming the package and its install command when it is missing.
 */
export function loadOllama(
  importer: () => Promise<OllamaModule> = () => import("ollama"),
): Promise<OllamaModule> {
  return importProviderPackage("ollama", "ollama", importer);
}

/** A chat provider over an ollama server. */
export function createOllamaProvider(
  config: Extract<IOptimizerProviderConfig, { kind: "ollama" }>,
): IChatProvider {
  const host = (config.host ?? DEFAULT_OLLAMA_HOST).replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const label = { provider: "ollama" as const, model: config.model, host, timeoutMs };
  return {
    kind: "ollama",
    model: config.model,
    host,
    async complete(request) {
      const { Ollama } = await loadOllama();
      const options: { temperature?: number; seed?: number } = {};
      if (config.temperature !== undefined) options.temperature = config.temperature;
      if (config.seed !== undefined) options.seed = config.seed;
      return streamAnswer(label, request, async (signal) => {
        // The client aborts a stream with its own signal; ours (timeout, caller) is combined with it.
        const client = new Ollama({
          host,
          fetch: (input, init) =>
            fetch(input, {
              ...init,
              signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
            }),
        });
        const stream = await client.chat({
          model: config.model,
          messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
          stream: true,
          options,
        });
        return (async function* texts() {
          for await (const part of stream) yield part.message?.content ?? "";
        })();
      });
    },
  };
}
