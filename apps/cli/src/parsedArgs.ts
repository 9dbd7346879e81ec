// What a command receives from the command line (commandLine.ts): option values by name and the
// positional arguments, plus typed accessors.

/** Parsed values: strings and booleans by option name (commander's camelCase), plus positionals. */
export interface IParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A string option, or undefined. */
export function stringOption(args: IParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A boolean flag (false when absent). */
export function flagOption(args: IParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
