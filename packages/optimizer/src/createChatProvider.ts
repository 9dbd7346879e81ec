// Picks the chat provider of a configuration (the discriminant is `kind`), and sends a request once more
// when its connection was dropped before any answer came back.

import type { IChatProvider, IOptimizerProviderConfig } from "./chatProvider";
import { createOllamaProvider } from "./ollamaProvider";
import { createOpenAiProvider } from "./openaiProvider";

/** Error codes of a connection the server closed or reset under the request (undici, node:net). */
const DROPPED_CONNECTION_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/** True when `error` or one of its causes is a dropped connection (not a refusal, timeout or HTTP error). */
function isDroppedConnection(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && DROPPED_CONNECTION_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}

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
        if (answered || request.signal?.aborted || !isDroppedConnection(error)) throw error;
        return send();
      }
    },
  };
}
