// Under --json, stdout carries exactly the JSON: console output of a strategy (console.log, info, debug,
// dir, table, …) is sent to stderr for the duration of the command, then the console is restored.

import { Console } from "node:console";
import { Writable } from "node:stream";
import type { ITextSink } from "./cliIo";

// The console methods that write to stdout.
const STDOUT_METHODS = [
  "log",
  "info",
  "debug",
  "dir",
  "dirxml",
  "table",
  "group",
  "groupCollapsed",
  "groupEnd",
  "count",
  "countReset",
  "time",
  "timeLog",
  "timeEnd",
] as const;

type ConsoleMethod = (typeof STDOUT_METHODS)[number];

/** Sends the stdout methods of the global console to `stderr`; returns the function that restores them. */
export function redirectConsoleToStderr(stderr: ITextSink): () => void {
  // A real Writable (Console listens for its errors); each chunk goes to `stderr` synchronously.
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      stderr.write(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      callback();
    },
  });
  const target = new Console({ stdout: sink, stderr: sink });
  const saved = new Map<ConsoleMethod, unknown>();
  const mutable = console as unknown as Record<ConsoleMethod, unknown>;
  for (const name of STDOUT_METHODS) {
    saved.set(name, mutable[name]);
    mutable[name] = (target[name] as (...args: unknown[]) => void).bind(target);
  }
  return () => {
    for (const [name, method] of saved) mutable[name] = method;
  };
}
