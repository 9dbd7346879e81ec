// The optimizer file of `bt generate`: a module that default-exports an IOptimizerSchema (@bt/optimizer)
// or registers one or more with addOptimizer as it loads. Either way the command gets one registry and
// the name of the optimizer to run in it.

import type { IOptimizerRegistry, IOptimizerSchema } from "@bt/optimizer";
import { badInput } from "./cliError";
import { importUserModule } from "./userModuleLoader";

/** The optimizer a file provides: its registry and the name to run. */
export interface ILoadedOptimizer {
  registry: IOptimizerRegistry;
  optimizerName: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function looksLikeSchema(value: unknown): value is IOptimizerSchema {
  return isObject(value) && typeof value.optimizerName === "string";
}

/**
 * Loads an optimizer file; `chosen` (--optimizer) picks one of several registered optimizers.
 * @throws CliError (exit 2) when the file is missing, throws on import, provides no optimizer, provides
 * several without `chosen`, or `chosen` is not among them; BtError VALIDATION for a bad schema.
 */
export async function loadOptimizerFile(
  file: string,
  cwd: string,
  chosen: string | undefined,
): Promise<ILoadedOptimizer> {
  const optimizer = await import("@bt/optimizer");
  const before = new Set(optimizer.defaultOptimizer.listOptimizers());
  const module = await importUserModule("optimizer", file, cwd);
  const exported =
    isObject(module.default) && "default" in module.default && !looksLikeSchema(module.default)
      ? module.default.default
      : module.default;
  let registry: IOptimizerRegistry;
  let names: string[];
  if (looksLikeSchema(exported)) {
    // A default-exported schema gets a registry of its own (also when the file registered it as well).
    registry = optimizer.createOptimizer();
    registry.addOptimizer(exported);
    names = [exported.optimizerName];
  } else {
    registry = optimizer.defaultOptimizer;
    names = registry.listOptimizers().filter((name) => !before.has(name));
  }
  if (names.length === 0) {
    throw badInput(
      `optimizer file ${file} provides no optimizer`,
      "export default { optimizerName, rangeTrain, rangeTest, source, getPrompt } (an IOptimizerSchema from @bt/optimizer), or call addOptimizer",
    );
  }
  if (chosen !== undefined) {
    if (!names.includes(chosen)) {
      throw badInput(
        `bad --optimizer ${JSON.stringify(chosen)}: ${file} provides ${names.map((name) => JSON.stringify(name)).join(", ")}`,
        "pass one of those names",
      );
    }
    return { registry, optimizerName: chosen };
  }
  if (names.length > 1) {
    throw badInput(
      `optimizer file ${file} registers ${names.length} optimizers (${names.join(", ")})`,
      "choose one with --optimizer <name>",
    );
  }
  return { registry, optimizerName: names[0] as string };
}
