// An optimizer registry: addOptimizer validates and keeps schemas by name; Optimizer.getData / run /
// dump work on them. createOptimizer() makes independent registries (tests); index.ts binds a default.

import { resolve } from "node:path";
import { BtError, describeValue } from "@bt/core";
import { buildConversations, type IOptimizerDataOptions } from "./optimizerConversation";
import type { OptimizerProgressEvent } from "./optimizerProgress";
import { type IOptimizerResult, type IOptimizerRunOptions, runOptimizer } from "./optimizerRun";
import type { IOptimizerData, IOptimizerSchema } from "./optimizerSchema";
import { validateOptimizerSchema } from "./optimizerValidation";
import { writeFileAtomic } from "./writeFileAtomic";

/** Options of Optimizer.dump: run's, plus where to write. */
export interface IOptimizerDumpOptions extends IOptimizerRunOptions {
  /** Output file; default "./<optimizerName>.walker.ts", relative to the working directory. */
  out?: string;
}

/** The Optimizer object of a registry. */
export interface IOptimizerApi {
  /**
   * The conversation of every training range (system prompt, data messages, prompt), without a model call.
   * @throws BtError SCHEMA for an unknown optimizer name.
   * @example const data = await Optimizer.getData("BTCUSDT", "jan");
   */
  getData(symbol: string, optimizerName: string, options?: IOptimizerDataOptions): Promise<IOptimizerData[]>;
  /**
   * Asks the model per training range, checks and renders the accepted ideas; writes nothing.
   * @throws BtError SCHEMA for an unknown optimizer; OptimizerError NO_STRATEGY when no idea survived,
   * TIMEOUT / PROVIDER / MISSING_DEPENDENCY / ABORTED from the provider.
   * @example const result = await Optimizer.run("BTCUSDT", "jan", { provider: { kind: "ollama", model: "qwen2.5-coder" } });
   */
  run(symbol: string, optimizerName: string, options: IOptimizerRunOptions): Promise<IOptimizerResult>;
  /**
   * run, then writes the checked file atomically (temp file + rename); a failed run writes nothing.
   * @throws as run.
   * @example const { file } = await Optimizer.dump("BTCUSDT", "jan", { provider, out: "./jan.walker.ts" });
   */
  dump(
    symbol: string,
    optimizerName: string,
    options: IOptimizerDumpOptions,
  ): Promise<IOptimizerResult & { file: string }>;
}

/** An independent optimizer registry. */
export interface IOptimizerRegistry {
  /**
   * Registers an optimizer.
   * @throws BtError VALIDATION naming the field and value (empty or duplicate name, no range, start >= end,
   * a test range overlapping a training range, no source, getPrompt not a function).
   */
  addOptimizer(schema: IOptimizerSchema): void;
  /** The registered schema of `optimizerName`, or undefined. */
  getOptimizer(optimizerName: string): IOptimizerSchema | undefined;
  /** Names of the registered optimizers, in registration order. */
  listOptimizers(): string[];
  Optimizer: IOptimizerApi;
}

/**
 * Creates an empty registry (tests create one each, so registrations never leak).
 * @example const { addOptimizer, Optimizer } = createOptimizer();
 */
export function createOptimizer(): IOptimizerRegistry {
  const schemas = new Map<string, IOptimizerSchema>();
  const schemaOf = (optimizerName: string): IOptimizerSchema => {
    const schema = schemas.get(optimizerName);
    if (schema === undefined) {
      const known = [...schemas.keys()];
      throw new BtError(
        "SCHEMA",
        `optimizer: no optimizer named ${describeValue(optimizerName)} (registered: ${known.length === 0 ? "none" : known.join(", ")})`,
        { field: "optimizerName", value: optimizerName },
      );
    }
    return schema;
  };
  const Optimizer: IOptimizerApi = {
    async getData(symbol, optimizerName, options) {
      return buildConversations(schemaOf(optimizerName), symbol, options);
    },
    async run(symbol, optimizerName, options) {
      return runOptimizer(schemaOf(optimizerName), symbol, options);
    },
    async dump(symbol, optimizerName, options) {
      const schema = schemaOf(optimizerName);
      const out = options.out ?? `./${schema.optimizerName}.walker.ts`;
      const result = await runOptimizer(schema, symbol, { ...options, fileName: options.fileName ?? out });
      const file = resolve(out);
      await writeFileAtomic(file, result.code);
      const event: OptimizerProgressEvent = { kind: "written", file };
      options.onProgress?.(event);
      return { ...result, file };
    },
  };
  return {
    addOptimizer(schema) {
      validateOptimizerSchema(schema);
      if (schemas.has(schema.optimizerName)) {
        throw new BtError(
          "VALIDATION",
          `optimizer: optimizerName ${describeValue(schema.optimizerName)} is already registered`,
          { field: "optimizerName", value: schema.optimizerName },
        );
      }
      schemas.set(schema.optimizerName, schema);
    },
    getOptimizer: (optimizerName) => schemas.get(optimizerName),
    listOptimizers: () => [...schemas.keys()],
    Optimizer,
  };
}
