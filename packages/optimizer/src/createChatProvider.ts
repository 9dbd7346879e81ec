// Picks the chat provider of a configuration (the discriminant is `kind`), and sends a request once more
// when its connection was dropped before any answer came back.

import type { IChatProvider, IOptimizerProviderConfig } from "./chatProvider";
import { createOllamaProvider } from "./ollamaProvider";
import { createOpenAiProvider } from "./openaiProvider";
import { causeCode } from "./providerError";

/** Error codes of a connection the server closed or reset under the request (undici, node:net). */
const DROPPED_CONNECTION_CODES = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/;

/**
 * The provider of a configuration; the client packages load on the first request, not here. A request
 * whose connection drops before the first token (a server closing an idle keep-alive connection as the
 * request arrives) is sent once more on a new connection; once a token has arrived, any failure stands.
 */
export function createChatProvider(config: IOptimizerProviderConfig): IChatProvider {
  const provider = config.kind === "ollama" ? createOllamaProvider(config) : createOpenAiProvider(config);
  return {
    ...provider,
    async complete(request) {
      let answered = false;
      const send = () =>
        provider.complete({
          ...request,
          onToken: (text) => {
            answered = true;
            request.onToken(text);
          },
        });
      try {
        return await send();
      } catch (error) {
        if (answered || request.signal?.aborted || causeCode(error, DROPPED_CONNECTION_CODES) === undefined)
          throw error;
        return send();
      }
    },
  };
}
