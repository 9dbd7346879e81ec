// The runtime half of "validated before it is written": an idea that type-checks can still break the
// engine's schema rules (warmupCandles −5, getSignalTimeoutMs 0, a misspelt callback). The idea's object
// literal is evaluated with inert stand-ins for the engine functions (its functions are never called) and
// registered on a throwaway engine, whose addStrategy runs the same checks `bt walker` will.

import { BtError, type IStrategySchema } from "@bt/core";
import { loadTypeScript } from "./typeScriptLoader";

/** The engine functions an idea may call, as evaluation-time stand-ins (they throw if ever called). */
const STAND_INS = ["getCandles", "getCandleColumns", "getAveragePrice"] as const;

function standIn(name: string): () => never {
  return () => {
    throw new Error(`${name} was called while the idea was being validated`);
  };
}

/**
 * Checks an idea's object literal (TypeScript, already type-checked) against the engine's strategy
 * schema rules under `strategyName`. Returns null when it passes, else the reason (the engine's message,
 * which names the field and the value).
 * @example await checkStrategySchemaOf('{ interval: "15m", warmupCandles: -1, getSignal: async () => null }', "jan-1")
 */
export async function checkStrategySchemaOf(code: string, strategyName: string): Promise<string | null> {
  const ts = await loadTypeScript();
  const javascript = ts.transpileModule(`export default (\n${code}\n);`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  let literal: unknown;
  try {
    const evaluate = new Function("exports", ...STAND_INS, javascript) as (
      exports: { default?: unknown },
      ...standIns: Array<() => never>
    ) => void;
    const exports: { default?: unknown } = {};
    evaluate(exports, ...STAND_INS.map(standIn));
    literal = exports.default;
  } catch (error) {
    return `the object literal throws when evaluated: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof literal !== "object" || literal === null) return "the code block is not an object literal";
  // Loaded here, not at import: importing @bt/optimizer stays cheap.
  const { createEngine } = await import("@bt/engine");
  try {
    createEngine().addStrategy({ ...(literal as object), strategyName } as IStrategySchema);
  } catch (error) {
    if (BtError.isInstance(error)) return `strategy schema: ${error.message}`;
    throw error;
  }
  return null;
}
