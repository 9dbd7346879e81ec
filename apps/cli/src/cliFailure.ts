// How runCli reports a failure: the message, a hint that fits the problem (never blaming a flag that
// was not the cause), optional detail lines and the exit code. Bad candle data (BtError CANDLES) is bad
// input (exit 2) with the precise problem: a gap points at --gaps fill, a bad value at its file:line.

import { BtError } from "@bt/core";
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE } from "./cliError";

/** What runCli prints and returns for an error. */
export interface IFailureReport {
  message: string;
  hint: string;
  /** Lines printed under the message ("" for none). */
  detail: string;
  exitCode: number;
}

// Engine codes that mean the user's input (strategy schema, signal shape, config, candle data) is wrong.
const BAD_INPUT_CODES = new Set(["SCHEMA", "CONFIG", "CANDLES"]);

const STACK_HINT = "run with --verbose for the stack";

/** The hint of a BtError CANDLES, chosen from the problem it names. */
export function candlesHint(error: BtError): string {
  const message = error.message;
  if (/\bgap of \d+ missing/.test(message)) {
    return "pass --gaps fill to fill missing minutes with flat zero-volume candles, or add the missing candles to the data";
  }
  // exchange-file names the file and the line (`file:42: …`), or the JSON item / feather row, of a bad row.
  const line = /exchange-file: (.+?):(\d+): /.exec(message);
  if (line !== null) return `fix ${line[1]}:${line[2]} (the ${error.field ?? "value"} of that row)`;
  const row = /exchange-file: (.+?) (item|row) (\d+): /.exec(message);
  if (row !== null) return `fix ${row[2]} ${row[3]} of ${row[1]} (its ${error.field ?? "value"})`;
  if (/data starts too late|data ends too early|no \w+ candles in/.test(message)) {
    return "choose --from/--to inside the data, or pass --data <dir> with candles covering the frame";
  }
  if (/duplicate candle|out of order|not aligned to (a minute|the \w+ interval)/.test(message)) {
    return "fix the candle data: timestamps must be unique, ascending and on whole minutes";
  }
  if (/no candle file for symbol/.test(message) || error.field === "symbol") {
    return "check --symbol and --data (files named <SYMBOL>-1m-….csv[.gz])";
  }
  return "check the candle data (--data, --exchange)";
}

/** The hint of a BtError PERSIST: the --persist adapter only when the error is that adapter's. */
function persistHint(error: BtError): string {
  if (error.message.startsWith("report:")) {
    return "the report could not be written: check that the --dump/--out folder is writable and the path is not too long";
  }
  const adapter = error.adapter;
  if (adapter === undefined) return STACK_HINT;
  const where: Record<string, string> = {
    fs: "folder permissions of <state>/persist",
    redis: "BT_REDIS_URL",
    mongo: "BT_MONGO_URL",
    postgres: "BT_PG_URL",
  };
  return `check --persist ${adapter}${where[adapter] === undefined ? "" : ` (${where[adapter]})`}`;
}

/** Removes the engine's library-level advice (`gapPolicy "fill" fills …`); the hint gives the flag. */
function withoutLibraryAdvice(message: string): string {
  return message.replace(/\s*\((?:pass )?gapPolicy:? "fill"[^)]*\)/, "");
}

/** Classifies `error` for runCli. */
export function describeFailure(error: unknown): IFailureReport {
  if (error instanceof CliError) {
    return {
      message: error.message,
      hint: error.hint ?? "",
      detail: error.detail ?? "",
      exitCode: error.exitCode,
    };
  }
  if (BtError.isInstance(error)) {
    const hints: Record<string, string> = {
      EXCHANGE: "check the symbol, the network and the exchange name",
    };
    const hint =
      error.code === "CANDLES"
        ? candlesHint(error)
        : error.code === "PERSIST"
          ? persistHint(error)
          : (hints[error.code] ?? STACK_HINT);
    return {
      message: `${error.code}: ${withoutLibraryAdvice(error.message)}`,
      hint,
      detail: "",
      exitCode: BAD_INPUT_CODES.has(error.code) ? EXIT_BAD_INPUT : EXIT_FAILURE,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, hint: STACK_HINT, detail: "", exitCode: EXIT_FAILURE };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * What runCli prints for a failure of `label` ("bt backtest"): one line of message and hint, then any
 * detail lines (a code frame), and the exit code it means.
 */
export function failureText(label: string, error: unknown): { text: string; exitCode: number } {
  const { message, hint, detail, exitCode } = describeFailure(error);
  const line = `${label}: ${oneLine(message)}${hint === "" ? "" : ` — hint: ${oneLine(hint)}`}\n`;
  const tail = detail === "" ? "" : detail.endsWith("\n") ? detail : `${detail}\n`;
  return { text: `${line}${tail}`, exitCode };
}
