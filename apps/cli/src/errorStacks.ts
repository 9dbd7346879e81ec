// --verbose: the stack of the first occurrence of each distinct error a run reports on listenError,
// keyed by the error's first message line (the key the engine counts problems under).

import type { IEngine } from "@bt/engine";
import { firstMessageLine } from "./problemLines";

/** Collected stacks and the function that stops collecting. */
export interface IErrorStacks {
  readonly stacks: ReadonlyMap<string, string>;
  stop(): void;
}

/** Starts collecting the first stack of each distinct error `engine` emits. */
export function collectErrorStacks(engine: IEngine): IErrorStacks {
  const stacks = new Map<string, string>();
  const stop = engine.listenError((error) => {
    const key = firstMessageLine(error.message);
    if (!stacks.has(key)) stacks.set(key, error.stack ?? error.message);
  });
  return { stacks, stop };
}
