// node:util parseArgs for one command, with its errors turned into bad input (exit 2) and the options
// every run command shares (symbol, exchange, frame, persistence, output).

import { type ParseArgsConfig, parseArgs } from "node:util";
import { badInput } from "./cliError";

/** Option definitions in node:util parseArgs form. */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** Options of backtest, walker and live. */
export const RUN_OPTION_SPECS = {
  symbol: { type: "string", short: "s" },
  exchange: { type: "string", short: "e" },
  from: { type: "string" },
  to: { type: "string" },
  interval: { type: "string" },
  data: { type: "string" },
  state: { type: "string" },
  json: { type: "boolean" },
  dump: { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpecs;

/** Parsed values: strings and booleans by option name, plus positionals. */
export interface IParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` strictly against `specs`.
 * @throws CliError (exit 2) on an unknown option or a missing option value.
 */
export function parseCommandArgs(command: string, argv: string[], specs: OptionSpecs): IParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: specs,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as IParsedArgs["values"], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw badInput(`${message}`, `see \`bt ${command} --help\``);
  }
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
