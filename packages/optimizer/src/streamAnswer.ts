// The part both providers share: one streamed answer under the request's deadline (timeout or the
// caller's signal), its text chunks forwarded as tokens and joined, and every failure turned into the
// provider's OptimizerError (TIMEOUT, ABORTED, PROVIDER).

import { type IChatRequest, requestSignal } from "./chatProvider";
import { OptimizerError } from "./optimizerError";
import { type IProviderLabel, providerError, timeoutError } from "./providerError";

/**
 * Opens the stream with `open(signal)` (the signal aborts on the timeout and on the caller's signal),
 * forwards each non-empty text chunk to `request.onToken` and resolves to the whole answer.
 * @throws OptimizerError TIMEOUT past label.timeoutMs, ABORTED on the caller's signal, PROVIDER otherwise.
 */
export async function streamAnswer(
  label: IProviderLabel,
  request: IChatRequest,
  open: (signal: AbortSignal) => Promise<AsyncIterable<string>>,
): Promise<string> {
  const deadline = requestSignal(label.timeoutMs, request.signal);
  let answer = "";
  try {
    for await (const text of await open(deadline.signal)) {
      if (text !== "") {
        answer += text;
        request.onToken(text);
      }
    }
    // The openai stream ends quietly on abort: a partial answer must not pass as a whole one.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    return answer;
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    // The openai client's own timeout (its `timeout` option) surfaces under this name.
    if (deadline.timedOut() || name === "APIConnectionTimeoutError") throw timeoutError(label, error);
    if (request.signal?.aborted) {
      throw new OptimizerError("ABORTED", `${label.provider}: request to ${label.host} aborted`, {
        provider: label.provider,
        cause: error,
      });
    }
    throw providerError(label, error);
  } finally {
    deadline.clear();
  }
}
