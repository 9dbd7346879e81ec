// `bt generate <optimizer file>`: asks a model (a local ollama server, or any OpenAI-compatible API)
// for one strategy idea per training range of the file's optimizer (@bt/optimizer), re-asks with the
// reason when an answer breaks the contract or does not type-check, and writes one walker file of the
// accepted ideas, checked, that `bt walker <out> --symbol S` runs on the test range as it is. Progress on
// stderr. Exit 1 (nothing written) when no answer survived, each range's reason printed.

import { relative, resolve, sep } from "node:path";
import { DEFAULT_OLLAMA_HOST, type IOptimizerProviderConfig, OptimizerError } from "@bt/optimizer";
import { badInput, CliError, EXIT_FAILURE, EXIT_OK } from "../cliError";
import type { ICliIo } from "../cliIo";
import { createGenerateProgress } from "../generateProgress";
import { loadOptimizerFile } from "../optimizerFile";
import { parseDuration, TIMEOUT_UNITS } from "../parseDuration";
import { type IParsedArgs, numberOption, stringOption } from "../parsedArgs";

/** An environment variable, undefined when unset or empty. */
function envValue(env: ICliIo["env"], name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function urlOption(flag: string, text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw badInput(
      `bad ${flag} ${JSON.stringify(text)}: not an http(s) URL`,
      `e.g. ${flag} http://127.0.0.1:11434`,
    );
  }
  return text;
}

/**
 * The model provider of the flags (and their environment fallbacks: BT_LLM_MODEL, OLLAMA_HOST,
 * OPENAI_BASE_URL, OPENAI_API_KEY).
 * @throws CliError (exit 2) naming the flag and the value.
 */
export function resolveProvider(args: IParsedArgs, env: ICliIo["env"]): IOptimizerProviderConfig {
  const kind = stringOption(args, "provider") ?? "ollama";
  if (kind !== "ollama" && kind !== "openai") {
    throw badInput(
      `bad --provider ${JSON.stringify(kind)}`,
      "use --provider ollama (default) or --provider openai",
    );
  }
  const model = (stringOption(args, "model") ?? envValue(env, "BT_LLM_MODEL") ?? "").trim();
  if (model === "") {
    throw badInput("--model is missing", "e.g. --model qwen2.5-coder:7b, or set BT_LLM_MODEL");
  }
  const temperature = numberOption(
    args,
    "temperature",
    "--temperature",
    (value) => value >= 0 && value <= 2,
    "a number from 0 to 2",
  );
  const seed = numberOption(args, "seed", "--seed", Number.isInteger, "an integer");
  const timeoutText = stringOption(args, "timeout");
  const common = {
    model,
    ...(temperature === undefined ? {} : { temperature }),
    ...(seed === undefined ? {} : { seed }),
    ...(timeoutText === undefined
      ? {}
      : { timeoutMs: parseDuration("--timeout", timeoutText, TIMEOUT_UNITS) }),
  };
  const host = stringOption(args, "host");
  const baseUrl = stringOption(args, "baseUrl");
  const apiKey = stringOption(args, "apiKey");
  if (kind === "ollama") {
    if (baseUrl !== undefined)
      throw badInput("--base-url is for --provider openai", "ollama takes --host <url>");
    if (apiKey !== undefined) throw badInput("--api-key is for --provider openai");
    return {
      kind,
      host: urlOption("--host", host ?? envValue(env, "OLLAMA_HOST") ?? DEFAULT_OLLAMA_HOST),
      ...common,
    };
  }
  if (host !== undefined) throw badInput("--host is for --provider ollama", "openai takes --base-url <url>");
  const url = baseUrl ?? envValue(env, "OPENAI_BASE_URL");
  const key = apiKey ?? envValue(env, "OPENAI_API_KEY");
  return {
    kind,
    ...(url === undefined ? {} : { baseUrl: urlOption("--base-url", url) }),
    ...(key === undefined ? {} : { apiKey: key }),
    ...common,
  };
}

/** Hints for @bt/optimizer's error codes. */
const OPTIMIZER_HINTS: Readonly<Record<string, string>> = {
  NO_STRATEGY:
    "every answer broke the contract or did not type-check: try another --model, more --attempts or a lower --temperature",
  PROVIDER: "is the model server running and the URL right (--host / --base-url)? is the model pulled?",
  TIMEOUT: "a longer --timeout, or a smaller model",
  MISSING_DEPENDENCY: "install the provider's client package (npm install ollama)",
  ABORTED: "the run was aborted",
};

/** Runs `bt generate` with its parsed arguments; returns the exit code. */
export async function runGenerateCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw badInput(
      "expected exactly one optimizer file",
      "bt generate <optimizer file> [options]; see bt generate --help",
    );
  }
  const provider = resolveProvider(args, io.env);
  const maxAttempts = numberOption(
    args,
    "attempts",
    "--attempts",
    (value) => Number.isInteger(value) && value >= 1,
    "a positive integer",
  );
  const symbol = (stringOption(args, "symbol") ?? "BTCUSDT").trim();
  if (symbol === "") throw badInput("--symbol is empty", "e.g. --symbol BTCUSDT");
  const { registry, optimizerName } = await loadOptimizerFile(file, io.cwd, stringOption(args, "optimizer"));
  const out = resolve(io.cwd, stringOption(args, "out") ?? `${optimizerName}.generated.ts`);
  const shown = relative(io.cwd, out);
  const fileName = shown.startsWith("..") ? out : `.${sep}${shown}`;
  const progress = createGenerateProgress(io);
  const where = provider.kind === "ollama" ? provider.host : (provider.baseUrl ?? "api.openai.com");
  io.stderr.write(
    `generate: optimizer ${optimizerName} on ${symbol} with ${provider.kind} ${provider.model} at ${where}\n`,
  );
  try {
    const result = await registry.Optimizer.dump(symbol, optimizerName, {
      provider,
      out,
      fileName,
      onProgress: progress.onProgress,
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    progress.finish();
    for (const rejection of result.rejected) {
      io.stderr.write(
        `warning: rangeTrain[${rejection.rangeIndex}] gave no strategy after ${rejection.attempts} attempt(s): ${rejection.reason}\n`,
      );
    }
    io.stdout.write(
      `${result.file}: ${result.strategies.length} strategies (${result.strategies.map((strategy) => strategy.strategyName).join(", ")})\nrun it: bt walker ${fileName} --symbol ${symbol}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    progress.finish();
    if (!OptimizerError.isInstance(error)) throw error;
    // NO_STRATEGY lists each range's reason on a line of its own: those stay lines under the message.
    const [first, ...rest] = error.message.split("\n");
    throw new CliError(first ?? error.code, {
      hint: OPTIMIZER_HINTS[error.code] ?? "",
      exitCode: EXIT_FAILURE,
      cause: error,
      detail: rest.map((line) => `  ${line}`).join("\n"),
    });
  }
}
