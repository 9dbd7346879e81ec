// Process-wide slots on globalThis[Symbol.for(key)]: state that every physical copy of a bt package
// loaded in one process must share (a strategy file importing its own copy of @bt/engine has to see
// the ambient context of the engine copy that runs it). A slot carries the version of its layout:
// copies with the same major version share it, a different major version is refused.

import { BtError } from "@bt/core";

/** What a slot holds: the layout version ("major.minor.patch") and the shared value. */
export interface IGlobalSlot<T> {
  readonly version: string;
  readonly value: T;
}

function majorOf(version: string): string {
  return version.split(".")[0] ?? version;
}

/**
 * The value in the process-wide slot `globalThis[Symbol.for(key)]`, created with `create()` by the
 * first copy that asks. A later copy with the same major `version` gets the same value.
 * @throws BtError CONTEXT when the slot was created by a copy with a different major version (both
 * versions named), or holds something that is not a slot.
 * @example const storage = sharedGlobalSlot("@bt/context/storage", "1.0.0", () => new AsyncLocalStorage());
 */
export function sharedGlobalSlot<T>(key: string, version: string, create: () => T): T {
  const symbol = Symbol.for(key);
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const existing = holder[symbol] as Partial<IGlobalSlot<T>> | undefined;
  if (existing === undefined) {
    const slot: IGlobalSlot<T> = Object.freeze({ version, value: create() });
    Object.defineProperty(holder, symbol, {
      value: slot,
      configurable: true,
      enumerable: false,
      writable: false,
    });
    return slot.value;
  }
  if (typeof existing !== "object" || existing === null || typeof existing.version !== "string") {
    throw new BtError(
      "CONTEXT",
      `globalThis[Symbol.for(${JSON.stringify(key)})] is taken by something that is not a bt slot; this copy (version ${version}) cannot share it`,
      { field: key, value: existing },
    );
  }
  if (majorOf(existing.version) !== majorOf(version)) {
    throw new BtError(
      "CONTEXT",
      `Two incompatible copies of bt are loaded in this process: globalThis[Symbol.for(${JSON.stringify(key)})] was created by a copy with slot version ${existing.version}, this copy has ${version}. Install one version of the bt packages (e.g. dedupe @bt/engine and @bt/context) so strategy files and the runner share one engine.`,
      { field: key, value: existing.version },
    );
  }
  return existing.value as T;
}
