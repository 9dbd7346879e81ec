// Lazy loading of the TypeScript compiler (a runtime dependency, but heavy: importing @bt/optimizer must
// stay cheap, so the compiler loads on the first parse or check).

/** The TypeScript compiler module. */
export type TypeScriptModule = typeof import("typescript");

let loading: Promise<TypeScriptModule> | undefined;

/** Loads the `typescript` package once; later calls share the same module. */
export function loadTypeScript(): Promise<TypeScriptModule> {
  loading ??= import("typescript").then(
    (module) => ((module as { default?: TypeScriptModule }).default ?? module) as TypeScriptModule,
  );
  return loading;
}
