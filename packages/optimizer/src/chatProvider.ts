// The provider configuration and the small chat interface both providers implement: send the messages,
// stream the answer's tokens, resolve to the whole answer.

import type { IOptimizerMessage } from "./optimizerSchema";

/** Default request timeout, ms: a local model may take minutes on a long prompt. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 300_000;
/** Default ollama host. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";
/** Default OpenAI-compatible base URL. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Which model answers, and how: a local ollama server or any OpenAI-compatible chat completions API. */
export type IOptimizerProviderConfig =
  | {
      kind: "ollama";
      /** Ollama server URL; default http://127.0.0.1:11434 (OLLAMA_HOST is not read: pass it). */
      host?: string;
      model: string;
      /** Sampling temperature (0 = most deterministic); default: the model's. */
      temperature?: number;
      /** Sampling seed (integer), for reproducible answers; default none. */
      seed?: number;
      /** Longest wait for one whole answer, ms; default 300000. */
      timeoutMs?: number;
    }
  | {
      kind: "openai";
      /** API base URL including /v1; default https://api.openai.com/v1. */
      baseUrl?: string;
      /** API key; default "not-needed" (local OpenAI-compatible servers ignore it). */
      apiKey?: string;
      model: string;
      /** Sampling temperature (0 = most deterministic); default: the server's. */
      temperature?: number;
      /** Sampling seed (integer), for reproducible answers; default none. */
      seed?: number;
      /** Longest wait for one whole answer, ms; default 300000. */
      timeoutMs?: number;
      /** Retries of the openai client on 408/429/5xx and connection errors; default 0. */
      maxRetries?: number;
    };

/** One chat request. */
export interface IChatRequest {
  messages: ReadonlyArray<IOptimizerMessage>;
  /** Called with every streamed text chunk, in order. */
  onToken(text: string): void;
  signal?: AbortSignal;
}

/** A chat model: resolves to the whole answer text. */
export interface IChatProvider {
  kind: "ollama" | "openai";
  model: string;
  /** The URL requests go to. */
  host: string;
  /**
   * Sends the conversation and streams the answer.
   * @throws OptimizerError TIMEOUT past timeoutMs, PROVIDER for an unreachable host or an HTTP error,
   * MISSING_DEPENDENCY when the client package is not installed, ABORTED when the signal aborts.
   */
  complete(request: IChatRequest): Promise<string>;
}

/** A signal aborting after `timeoutMs` or when `signal` aborts; `timedOut()` tells which; `clear()` the timer. */
export function requestSignal(
  timeoutMs: number,
  signal: AbortSignal | undefined,
): { signal: AbortSignal; timedOut(): boolean; clear(): void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
