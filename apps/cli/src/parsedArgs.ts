// What a command receives from the command line (commandLine.ts): option values by name and the
// positional arguments, plus typed accessors.

import { badInput } from "./cliError";

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

/**
 * A number option checked by `check`, or undefined when absent.
 * @throws CliError (exit 2) naming the flag and the text when it is not a number that passes `check`
 * (`expected` says what it must be, e.g. "an integer ≥ 1").
 */
export function numberOption(
  args: IParsedArgs,
  name: string,
  flag: string,
  check: (value: number) => boolean,
  expected: string,
): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
    throw badInput(
      `bad ${flag} ${JSON.stringify(text)}: must be ${expected}`,
      `e.g. ${flag} ${expected.includes("integer") ? "3" : "0.1"}`,
    );
  }
  return value;
}
