// The shapes a user registers with addOptimizer: training and test ranges, the data sources whose rows
// become the conversation, the prompt asking for one strategy idea per training range, and the
// conversation that getData returns (no model call).

import type { WalkerMetric } from "@bt/core";
import type { IOptimizerRange } from "./optimizerRange";
import type { IOptimizerTemplate } from "./optimizerTemplate";

/** One chat message of the conversation sent to the model. */
export interface IOptimizerMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Arguments of one page fetch of a source: rows `offset` … `offset + limit - 1` of the range. */
export interface IOptimizerFetchArgs {
  symbol: string;
  startDate: Date;
  endDate: Date;
  /** Page size, rows (positive integer). */
  limit: number;
  /** Rows already read (non-negative integer, a multiple of limit). */
  offset: number;
}

/**
 * A data source of the conversation: its rows of a training range are summarised in one user message
 * and acknowledged by one assistant message.
 */
export interface IOptimizerSource<Row = unknown> {
  /** Name shown to the model, e.g. "candle summary". */
  name: string;
  /** One page of rows; called with offset += limit until it returns fewer than limit rows. */
  fetch(args: IOptimizerFetchArgs): Row[] | Promise<Row[]>;
  /** The user message summarising the rows; default a compact JSON rendering. */
  user?(symbol: string, rows: Row[], name: string, range: IOptimizerRange): string | Promise<string>;
  /** The assistant acknowledgement; default `Read <name> of <symbol> for <range>.`. */
  assistant?(symbol: string, rows: Row[], name: string, range: IOptimizerRange): string | Promise<string>;
}

/** An optimizer: asks a model for one strategy idea per training range and compares them on rangeTest. */
export interface IOptimizerSchema {
  /** Unique name; also the stem of the generated strategy names. */
  optimizerName: string;
  /** One strategy idea per training range (at least one). */
  rangeTrain: IOptimizerRange[];
  /** The range the generated walker compares the strategies on; must not overlap a training range. */
  rangeTest: IOptimizerRange;
  /** The data sources read for every training range (at least one). */
  source: IOptimizerSource[];
  /** The request for a strategy idea, sent after the data messages of `range`. */
  getPrompt(symbol: string, messages: IOptimizerMessage[], range: IOptimizerRange): string | Promise<string>;
  /** Overrides of parts of the generated file; the others come from defaultOptimizerTemplate. */
  template?: Partial<IOptimizerTemplate>;
  /** Walker ranking metric; default "sharpeRatio". */
  metric?: WalkerMetric;
  /** System prompt replacing OPTIMIZER_SYSTEM_PROMPT (the answer contract); keep the contract in it. */
  systemPrompt?: string;
  /** Page size of source fetches, rows (positive integer); default 25. */
  pageLimit?: number;
  /** Free text. */
  note?: string;
}

/** The conversation of one training range, as getData returns it and run sends it. */
export interface IOptimizerData {
  /** Index of the range in rangeTrain. */
  rangeIndex: number;
  range: IOptimizerRange;
  /** System prompt, then one user + assistant pair per source. */
  messages: IOptimizerMessage[];
  /** What getPrompt returned: the last user message of the request. */
  prompt: string;
}
