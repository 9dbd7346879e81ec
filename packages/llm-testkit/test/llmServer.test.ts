// The testkit against the real clients: ollama (stream and not), OpenAI (stream and not), recorded
// model/temperature/seed/messages, chunked streams, HTTP errors and a hanging request.

import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type ILlmServer, splitIntoChunks, startLlmServer } from "../src/index";

let server: ILlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startLlmServer", () => {
  it("answers the ollama client, streamed in several chunks and not streamed, recording the requests", async () => {
    server = await startLlmServer({ answers: ["hello streaming world", "plain answer"] });
    const client = new Ollama({ host: server.ollamaHost });
    const parts: string[] = [];
    const stream = await client.chat({
      model: "m1",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      options: { temperature: 0.2, seed: 7 },
    });
    for await (const part of stream) parts.push(part.message.content);
    expect(parts.join("")).toBe("hello streaming world");
    expect(parts.filter((part) => part !== "").length).toBeGreaterThan(1);
    const plain = await client.chat({ model: "m2", messages: [{ role: "user", content: "again" }] });
    expect(plain.message.content).toBe("plain answer");
    expect(
      server.requests.map(({ api, model, temperature, seed, stream }) => ({
        api,
        model,
        temperature,
        seed,
        stream,
      })),
    ).toEqual([
      { api: "ollama", model: "m1", temperature: 0.2, seed: 7, stream: true },
      { api: "ollama", model: "m2", temperature: undefined, seed: undefined, stream: false },
    ]);
    expect(server.requests[0]?.messages).toEqual([{ role: "user", content: "hi" }]);
    expect((await client.list()).models.map((model) => model.name)).toEqual(["test-model"]);
    expect((await client.version()).version).toBe("0.0.0-llm-testkit");
  });

  it("answers the openai client, as SSE chunks ending with [DONE] and as one completion", async () => {
    server = await startLlmServer({
      answers: (request, index) => `answer ${index} to ${request.messages.at(-1)?.content}`,
    });
    const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-test",
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: "q1" },
      ],
      stream: true,
      temperature: 0,
      seed: 42,
    });
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta?.content ?? "");
    expect(parts.join("")).toBe("answer 0 to q1");
    expect(parts.filter((part) => part !== "").length).toBeGreaterThan(1);
    const completion = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "q2" }],
    });
    expect(completion.choices[0]?.message.content).toBe("answer 1 to q2");
    expect(server.requests[0]).toMatchObject({
      api: "openai",
      model: "gpt-test",
      temperature: 0,
      seed: 42,
      stream: true,
    });
    expect(server.requests[1]?.stream).toBe(false);
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(["test-model"]);
  });

  it("returns HTTP errors both clients report, and a missing answer is a 500 naming the request", async () => {
    server = await startLlmServer({ answers: [{ status: 503, message: "overloaded" }, { status: 401 }] });
    const ollama = new Ollama({ host: server.ollamaHost });
    await expect(ollama.chat({ model: "m", messages: [], stream: true })).rejects.toMatchObject({
      message: "overloaded",
      status_code: 503,
    });
    const openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "x", maxRetries: 0 });
    await expect(openai.chat.completions.create({ model: "m", messages: [] })).rejects.toMatchObject({
      status: 401,
    });
    await expect(ollama.chat({ model: "m", messages: [] })).rejects.toThrow(/no canned answer for request 2/);
  });

  it("hangs a request until the client gives up", async () => {
    server = await startLlmServer({ answers: [{ hang: true }] });
    const openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "x", maxRetries: 0, timeout: 200 });
    const started = Date.now();
    await expect(openai.chat.completions.create({ model: "m", messages: [], stream: true })).rejects.toThrow(
      /timed out/i,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });

  it("splits text into about equal chunks", () => {
    expect(splitIntoChunks("abcdefgh", 4)).toEqual(["ab", "cd", "ef", "gh"]);
    expect(splitIntoChunks("ab", 4)).toEqual(["a", "b"]);
    expect(splitIntoChunks("", 4)).toEqual([""]);
  });
});
