// Picks the chat provider of a configuration (the discriminant is `kind`).

import type { IChatProvider, IOptimizerProviderConfig } from "./chatProvider";
import { createOllamaProvider } from "./ollamaProvider";
import { createOpenAiProvider } from "./openaiProvider";

/** The provider of a configuration; the client packages load on the first request, not here. */
export function createChatProvider(config: IOptimizerProviderConfig): IChatProvider {
  return config.kind === "ollama" ? createOllamaProvider(config) : createOpenAiProvider(config);
}
