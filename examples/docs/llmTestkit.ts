// The @bt/llm-testkit README's example: a canned answer streamed to an ollama-style client (here plain
// fetch; the ollama and openai npm clients work the same against server.ollamaHost / server.openaiBaseUrl).
import { startLlmServer } from "@bt/llm-testkit";

const server = await startLlmServer({
  answers: ["Buy the breakout.", { status: 503, message: "overloaded" }],
});
const response = await fetch(`${server.ollamaHost}/api/chat`, {
  method: "POST",
  body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "idea?" }], options: { seed: 7 } }),
});
const lines = (await response.text()).trim().split("\n"); // NDJSON: one chunk per line, the last has done: true
console.log(lines.length, "chunks:", lines.map((line) => JSON.parse(line).message.content).join(""));
console.log(
  server.requests[0]?.model,
  server.requests[0]?.seed,
  server.requests[0]?.messages.at(-1)?.content,
);
const failed = await fetch(`${server.openaiBaseUrl}/chat/completions`, { method: "POST", body: "{}" });
console.log(failed.status, await failed.json());
await server.close();
