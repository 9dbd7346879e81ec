// The progress of `bt generate` on stderr, one line per step of @bt/optimizer's run: rows fetched per
// source, each model request, the streamed answer (a spinner with its chunk count on a terminal, one
// count line otherwise), every rejected answer with its reason and first diagnostics, accepted ideas,
// type checks and the written file.

import type { OptimizerProgressEvent } from "@bt/optimizer";
import type { ICliIo } from "./cliIo";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Diagnostics printed under a rejected answer (the rest are counted). */
const SHOWN_DIAGNOSTICS = 3;

/** A progress listener for Optimizer.dump that writes to `io.stderr`; `finish` ends an open answer line. */
export function createGenerateProgress(io: ICliIo): {
  onProgress(event: OptimizerProgressEvent): void;
  finish(): void;
} {
  let answer: { rangeIndex: number; attempt: number; chunks: number; chars: number } | null = null;
  const endAnswer = () => {
    if (answer === null) return;
    const line = `answer: rangeTrain[${answer.rangeIndex}] attempt ${answer.attempt}: ${answer.chunks} chunks, ${answer.chars} characters`;
    io.stderr.write(io.stderrIsTty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    answer = null;
  };
  return {
    onProgress(event) {
      if (event.kind !== "token") endAnswer();
      switch (event.kind) {
        case "fetch":
          io.stderr.write(
            `fetch: ${event.source} of rangeTrain[${event.rangeIndex}]: ${event.rows} rows (${event.pages} page${event.pages === 1 ? "" : "s"})\n`,
          );
          return;
        case "request":
          io.stderr.write(
            `request: rangeTrain[${event.rangeIndex}] attempt ${event.attempt} to ${event.provider} ${event.model}\n`,
          );
          return;
        case "token": {
          if (answer === null)
            answer = { rangeIndex: event.rangeIndex, attempt: event.attempt, chunks: 0, chars: 0 };
          answer.chunks += 1;
          answer.chars += event.text.length;
          if (io.stderrIsTty) {
            const frame = SPINNER[answer.chunks % SPINNER.length] as string;
            io.stderr.write(
              `\r\x1b[2K${frame} rangeTrain[${event.rangeIndex}] attempt ${event.attempt}: ${answer.chunks} chunks`,
            );
          }
          return;
        }
        case "rejected": {
          const more = event.diagnostics.length - SHOWN_DIAGNOSTICS;
          const lines = [
            `rejected: rangeTrain[${event.rangeIndex}] attempt ${event.attempt}: ${event.reason}`,
            ...event.diagnostics.slice(0, SHOWN_DIAGNOSTICS).map((line) => `  ${line}`),
            ...(more > 0 ? [`  … ${more} more`] : []),
          ];
          io.stderr.write(`${lines.join("\n")}\n`);
          return;
        }
        case "accepted":
          io.stderr.write(
            `accepted: rangeTrain[${event.rangeIndex}] attempt ${event.attempt}: ${event.strategyName}\n`,
          );
          return;
        case "check":
          if (event.phase === "file")
            io.stderr.write(
              `check: the whole file ${event.ok ? "type-checks" : "does not type-check"} (${Math.round(event.durationMs)} ms)\n`,
            );
          return;
        case "written":
          io.stderr.write(`written: ${event.file}\n`);
          return;
      }
    },
    finish: endAnswer,
  };
}
