// The progress events of getData / run / dump, a discriminated union on `kind`: fetched rows, a model
// request, a streamed token, a rejected or accepted idea, a type check and the written file.

import type { IOptimizerRange } from "./optimizerRange";

/** One progress event; `rangeIndex` is the index of the training range in rangeTrain. */
export type OptimizerProgressEvent =
  | { kind: "fetch"; source: string; rangeIndex: number; range: IOptimizerRange; rows: number; pages: number }
  | { kind: "request"; rangeIndex: number; attempt: number; provider: "ollama" | "openai"; model: string }
  | { kind: "token"; rangeIndex: number; attempt: number; text: string }
  | {
      kind: "rejected";
      rangeIndex: number;
      range: IOptimizerRange;
      attempt: number;
      reason: string;
      diagnostics: string[];
    }
  | { kind: "accepted"; rangeIndex: number; range: IOptimizerRange; attempt: number; strategyName: string }
  | {
      kind: "check";
      /** "strategy": one idea in the full-file context; "file": the final file. */
      phase: "strategy" | "file";
      rangeIndex?: number;
      ok: boolean;
      /** Wall time of the check, ms. */
      durationMs: number;
    }
  | { kind: "written"; file: string };
