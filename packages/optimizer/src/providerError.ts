// Messages of provider failures: a missing optional client package, a timeout, an unreachable host or
// an HTTP error, each naming the provider, model and host so the user knows what to fix.

import { OptimizerError } from "./optimizerError";

/** The message of a missing optional peer package, with the install command. */
export function missingPackageMessage(packageName: string, provider: string): string {
  return `@bt/optimizer: the ${provider} provider needs the "${packageName}" package, which is not installed; install it with \`npm i ${packageName}\` (or \`pnpm add ${packageName}\`)`;
}

/** Whether `error` says a module could not be found. */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

/**
 * Imports a provider's client package through `importer` (first use only: the clients are heavy).
 * @throws OptimizerError MISSING_DEPENDENCY naming the package and its install command when it is missing.
 */
export async function importProviderPackage<T>(
  packageName: string,
  provider: "ollama" | "openai",
  importer: () => Promise<T>,
): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new OptimizerError("MISSING_DEPENDENCY", missingPackageMessage(packageName, provider), {
      provider,
      field: "provider.kind",
      value: provider,
      cause: error,
    });
  }
}

/** What identifies a provider in an error message. */
export interface IProviderLabel {
  provider: "ollama" | "openai";
  model: string;
  host: string;
  timeoutMs: number;
}

/** The OptimizerError of a timed-out request. */
export function timeoutError(label: IProviderLabel, cause: unknown): OptimizerError {
  return new OptimizerError(
    "TIMEOUT",
    `${label.provider}: model ${JSON.stringify(label.model)} at ${label.host} did not answer within ${label.timeoutMs} ms (timeoutMs)`,
    { provider: label.provider, field: "provider.timeoutMs", value: label.timeoutMs, cause },
  );
}

/** The first `code` on the cause chain of `error` (the error itself first) that matches `pattern`. */
export function causeCode(error: unknown, pattern: RegExp): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && pattern.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Codes of a connection that could not be made or was lost (ECONNREFUSED, ENOTFOUND, undici's …). */
const CONNECTION_CODES =
  /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_\w+)$/;

/** The OptimizerError of any other provider failure: unreachable host, HTTP status, broken stream. */
export function providerError(label: IProviderLabel, error: unknown): OptimizerError {
  if (OptimizerError.isInstance(error)) return error;
  const connection = causeCode(error, CONNECTION_CODES);
  const status = (error as { status?: unknown; status_code?: unknown } | null) ?? {};
  const httpStatus = typeof status.status === "number" ? status.status : status.status_code;
  const detail = error instanceof Error ? error.message : String(error);
  if (connection !== undefined || /fetch failed|Connection error/i.test(detail)) {
    return new OptimizerError(
      "PROVIDER",
      `${label.provider}: cannot reach ${label.host} (${connection ?? detail}); is the server running and the host right?`,
      {
        provider: label.provider,
        field: label.provider === "ollama" ? "provider.host" : "provider.baseUrl",
        value: label.host,
        cause: error,
      },
    );
  }
  const prefix = typeof httpStatus === "number" ? `HTTP ${httpStatus}: ` : "";
  return new OptimizerError(
    "PROVIDER",
    `${label.provider}: model ${JSON.stringify(label.model)} at ${label.host} failed: ${prefix}${detail}`,
    { provider: label.provider, cause: error },
  );
}
