// Public entry of @bt/llm-testkit: a real local HTTP server speaking the ollama and OpenAI chat APIs
// with canned answers, for tests of code that talks to a language model.

export {
  type ILlmMessage,
  type ILlmRequest,
  type ILlmServer,
  type ILlmServerOptions,
  type LlmAnswer,
  splitIntoChunks,
  startLlmServer,
} from "./llmServer";
