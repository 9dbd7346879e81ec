// Named schema storage of one engine: register once (duplicates rejected), look up by name with an
// error that names the kind, the missing name, where it was referenced and what is registered.

import { BtError, describeValue } from "@bt/core";

/** A map of validated schemas of one kind. */
export class SchemaRegistry<T> {
  private readonly schemas = new Map<string, T>();

  constructor(
    private readonly kind: string,
    private readonly registerFn: string,
    private readonly nameField: string,
    private readonly check: (schema: T) => void,
    private readonly nameOf: (schema: T) => string,
  ) {}

  /**
   * Validates and stores a shallow copy of `schema`.
   * @throws BtError SCHEMA on an invalid schema or a duplicate name.
   */
  add(schema: T): void {
    this.check(schema);
    const name = this.nameOf(schema);
    if (this.schemas.has(name)) {
      throw new BtError(
        "SCHEMA",
        `${this.registerFn}: ${this.kind} ${describeValue(name)} is already registered`,
        {
          field: this.nameField,
          value: name,
        },
      );
    }
    // Object.assign, not a spread: once a spread site has run a few times, V8 gives each copy a map of
    // its own, so every hot read of a schema field (getSignal, callbacks) would see a new map per strategy
    // and deoptimise. Assigned copies of one shape share a map.
    this.schemas.set(name, Object.freeze(Object.assign({}, schema)));
  }

  has(name: string): boolean {
    return this.schemas.has(name);
  }

  /**
   * The schema called `name`.
   * @throws BtError SCHEMA naming `referencedBy` (e.g. `strategy "sma" riskName`) when unknown.
   */
  get(name: string, referencedBy: string, field: string = this.nameField): T {
    const schema = this.schemas.get(name);
    if (schema === undefined) {
      const known = [...this.schemas.keys()].map((key) => describeValue(key)).join(", ") || "none";
      throw new BtError(
        "SCHEMA",
        `Unknown ${this.kind} ${describeValue(name)} (${referencedBy}); registered ${this.kind} names: ${known}. Register it with ${this.registerFn}()`,
        { field, value: name },
      );
    }
    return schema;
  }

  list(): T[] {
    return [...this.schemas.values()];
  }

  clear(): void {
    this.schemas.clear();
  }
}
