// background(): runs a runner's generator to its end with nobody consuming the results (they reach
// users through the events); an error that ends the run goes to listenError instead of being thrown.

import type { EngineState } from "./engineState";

/** Runs `generator` to its end; a thrown error goes to listenError with `source` as its context. */
export async function drainInBackground(
  state: EngineState,
  generator: AsyncGenerator<unknown, unknown, undefined>,
  source: Record<string, unknown>,
): Promise<void> {
  try {
    for await (const _ of generator) {
      // Results reach users through the listen* events.
    }
  } catch (error) {
    state.bus.emitError(error, source);
  }
}
