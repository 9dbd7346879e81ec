// A real HTTP server on 127.0.0.1 for tests of LLM clients: it speaks the ollama chat API (/api/chat,
// NDJSON stream or one JSON object; /api/tags, /api/version) and the OpenAI chat completions API
// (/v1/chat/completions, SSE stream ending with [DONE] or one JSON object; /v1/models), answers with
// canned answers in order, streams them in several chunks and records every request.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One chat message as a client sent it. */
export interface ILlmMessage {
  role: string;
  content: string;
}

/** A recorded chat request. */
export interface ILlmRequest {
  /** Which API the request used. */
  api: "ollama" | "openai";
  /** Request path, e.g. "/api/chat". */
  path: string;
  /** 0-based index among the chat requests of this server. */
  index: number;
  model: string;
  /** ollama: options.temperature; openai: temperature; undefined when absent. */
  temperature: number | undefined;
  /** ollama: options.seed; openai: seed; undefined when absent. */
  seed: number | undefined;
  stream: boolean;
  messages: ILlmMessage[];
  /** The parsed JSON body, as received. */
  body: Record<string, unknown>;
}

/**
 * What the server does with one chat request: answer with the text; never answer (`{ hang: true }`, for
 * timeout tests; the connection closes with the server); stream the first `stallAfterChunks` chunks of
 * `text` and then stall (a model that stops mid-answer; a non-streamed request just hangs); or fail with
 * an HTTP status and message; or drop the connection before any byte of a response (`{ reset: true }`: what
 * a client sees when a server closes an idle keep-alive connection as the request arrives).
 */
export type LlmAnswer =
  | string
  | { hang: true }
  | { reset: true }
  | { text: string; stallAfterChunks: number }
  | { status: number; message?: string };

/** Options of startLlmServer. */
export interface ILlmServerOptions {
  /** Canned answers in request order, or a function of the request and its 0-based index. */
  answers:
    | ReadonlyArray<LlmAnswer>
    | ((request: ILlmRequest, index: number) => LlmAnswer | Promise<LlmAnswer>);
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Chunks a streamed answer is split into (positive integer); default 4. */
  chunks?: number;
  /** Pause between streamed chunks, ms; default 0. */
  chunkDelayMs?: number;
  /** Model names listed by /api/tags and /v1/models; default ["test-model"]. */
  models?: string[];
}

/** A running server. */
export interface ILlmServer {
  /** Base URL, e.g. "http://127.0.0.1:49152". */
  url: string;
  /** What to pass as the ollama client's host (the base URL). */
  ollamaHost: string;
  /** What to pass as the openai client's baseURL (`<url>/v1`). */
  openaiBaseUrl: string;
  /** Every chat request received, in order (live array). */
  requests: ILlmRequest[];
  /** Stops the server, dropping open (hanging) connections. */
  close(): Promise<void>;
}

/** Splits `text` into `count` pieces of about equal length (fewer for a short text, one for ""). */
export function splitIntoChunks(text: string, count: number): string[] {
  if (text === "") return [""];
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function messagesOf(body: Record<string, unknown>): ILlmMessage[] {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.map((message: { role?: unknown; content?: unknown }) => ({
    role: String(message?.role ?? ""),
    content: typeof message?.content === "string" ? message.content : JSON.stringify(message?.content ?? ""),
  }));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fake LLM server on 127.0.0.1 speaking the ollama and OpenAI chat APIs.
 * @example
 * const server = await startLlmServer({ answers: ["```ts\n{ … }\n```"] });
 * const ollama = new Ollama({ host: server.ollamaHost }); // or new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "x" })
 * await server.close();
 */
export async function startLlmServer(options: ILlmServerOptions): Promise<ILlmServer> {
  const requests: ILlmRequest[] = [];
  const sockets = new Set<Socket>();
  const chunks = options.chunks ?? 4;
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  const models = options.models ?? ["test-model"];
  const created = 1_700_000_000;

  const answerOf = async (request: ILlmRequest): Promise<LlmAnswer> => {
    if (typeof options.answers === "function") return options.answers(request, request.index);
    return (
      options.answers[request.index] ?? {
        status: 500,
        message: `llm-testkit: no canned answer for request ${request.index} (${options.answers.length} given)`,
      }
    );
  };

  const handleOllama = async (
    response: ServerResponse,
    request: ILlmRequest,
    answer: string,
    stallAfterChunks: number | undefined,
  ): Promise<void> => {
    const base = { model: request.model, created_at: new Date(0).toISOString() };
    const final = {
      ...base,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      total_duration: 1,
      load_duration: 0,
      prompt_eval_count: 1,
      prompt_eval_duration: 0,
      eval_count: 1,
      eval_duration: 0,
    };
    if (!request.stream) {
      if (stallAfterChunks === undefined)
        sendJson(response, 200, { ...final, message: { role: "assistant", content: answer } });
      return;
    }
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const [index, piece] of splitIntoChunks(answer, chunks).entries()) {
      if (index === stallAfterChunks) return; // stalled: close() drops the connection
      response.write(
        `${JSON.stringify({ ...base, message: { role: "assistant", content: piece }, done: false })}\n`,
      );
      if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    }
    response.end(`${JSON.stringify(final)}\n`);
  };

  const handleOpenAi = async (
    response: ServerResponse,
    request: ILlmRequest,
    answer: string,
    stallAfterChunks: number | undefined,
  ): Promise<void> => {
    const id = `chatcmpl-testkit-${request.index}`;
    if (!request.stream) {
      if (stallAfterChunks !== undefined) return;
      sendJson(response, 200, {
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: answer },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model: request.model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      })}\n\n`;
    response.write(chunk({ role: "assistant", content: "" }, null));
    for (const [index, piece] of splitIntoChunks(answer, chunks).entries()) {
      if (index === stallAfterChunks) return; // stalled: close() drops the connection
      response.write(chunk({ content: piece }, null));
      if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    }
    response.write(chunk({}, "stop"));
    response.end("data: [DONE]\n\n");
  };

  const server = createServer((incoming, response) => {
    void (async () => {
      const path = (incoming.url ?? "/").split("?")[0] ?? "/";
      if (incoming.method === "GET" && path === "/api/version")
        return sendJson(response, 200, { version: "0.0.0-llm-testkit" });
      if (incoming.method === "GET" && path === "/api/tags") {
        return sendJson(response, 200, {
          models: models.map((name) => ({
            name,
            model: name,
            modified_at: new Date(0).toISOString(),
            size: 0,
            digest: "0",
            details: { format: "gguf", family: "test", parameter_size: "0B", quantization_level: "Q0" },
          })),
        });
      }
      if (incoming.method === "GET" && path === "/v1/models") {
        return sendJson(response, 200, {
          object: "list",
          data: models.map((id) => ({ id, object: "model", created, owned_by: "llm-testkit" })),
        });
      }
      const api = path === "/api/chat" ? "ollama" : path === "/v1/chat/completions" ? "openai" : undefined;
      if (incoming.method !== "POST" || api === undefined) {
        return sendJson(response, 404, { error: `llm-testkit: no route ${incoming.method} ${path}` });
      }
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(await readBody(incoming));
        body = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
      } catch {
        return sendJson(response, 400, { error: "llm-testkit: the body is not JSON" });
      }
      const modelOptions = (api === "ollama" ? body.options : body) as Record<string, unknown> | undefined;
      const request: ILlmRequest = {
        api,
        path,
        index: requests.length,
        model: String(body.model ?? ""),
        temperature: numberOrUndefined(modelOptions?.temperature),
        seed: numberOrUndefined(modelOptions?.seed),
        // ollama streams unless stream is false; openai only when stream is true.
        stream: api === "ollama" ? body.stream !== false : body.stream === true,
        messages: messagesOf(body),
        body,
      };
      requests.push(request);
      const answer = await answerOf(request);
      if (typeof answer === "object" && "hang" in answer) return; // never answered; close() drops it
      if (typeof answer === "object" && "reset" in answer) return void incoming.socket.destroy();
      if (typeof answer === "object" && "stallAfterChunks" in answer) {
        const handle = api === "ollama" ? handleOllama : handleOpenAi;
        return handle(response, request, answer.text, answer.stallAfterChunks);
      }
      if (typeof answer === "object") {
        const message = answer.message ?? `llm-testkit: HTTP ${answer.status}`;
        return sendJson(
          response,
          answer.status,
          api === "ollama" ? { error: message } : { error: { message, type: "server_error", code: null } },
        );
      }
      return api === "ollama"
        ? handleOllama(response, request, answer, undefined)
        : handleOpenAi(response, request, answer, undefined);
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: `llm-testkit: ${String(error)}` });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    ollamaHost: url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
