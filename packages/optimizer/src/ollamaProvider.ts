// The ollama provider: the `ollama` npm client (an optional peer dependency, imported on first use)
// streaming /api/chat, with temperature and seed as model options and a timeout over the whole answer.

import {
  DEFAULT_OLLAMA_HOST,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type IChatProvider,
  type IOptimizerProviderConfig,
  requestSignal,
} from "./chatProvider";
import { OptimizerError } from "./optimizerError";
import { isModuleNotFound, missingPackageMessage, providerError, timeoutError } from "./providerError";

/** The part of the ollama module this provider uses. */
export type OllamaModule = typeof import("ollama");

/**
 * Imports the optional `ollama` package through `importer`.
 * @throws OptimizerError MISSING_DEPENDENCY naming the package and its install command when it is missing.
 */
export async function loadOllama(
  importer: () => Promise<OllamaModule> = () => import("ollama"),
): Promise<OllamaModule> {
  try {
    return await importer();
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new OptimizerError("MISSING_DEPENDENCY", missingPackageMessage("ollama", "ollama"), {
      provider: "ollama",
      field: "provider.kind",
      value: "ollama",
      cause: error,
    });
  }
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
      const deadline = requestSignal(timeoutMs, request.signal);
      // The client aborts a stream with its own signal; ours (timeout, caller) is combined with it.
      const client = new Ollama({
        host,
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            signal: init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal,
          }),
      });
      const options: { temperature?: number; seed?: number } = {};
      if (config.temperature !== undefined) options.temperature = config.temperature;
      if (config.seed !== undefined) options.seed = config.seed;
      let answer = "";
      try {
        const stream = await client.chat({
          model: config.model,
          messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
          stream: true,
          options,
        });
        for await (const part of stream) {
          const text = part.message?.content ?? "";
          if (text !== "") {
            answer += text;
            request.onToken(text);
          }
        }
        return answer;
      } catch (error) {
        if (deadline.timedOut()) throw timeoutError(label, error);
        if (request.signal?.aborted) {
          throw new OptimizerError("ABORTED", `ollama: request to ${host} aborted`, {
            provider: "ollama",
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
