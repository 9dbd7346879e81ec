// Builds the conversation of each training range (getData): the system prompt, then for every source
// its rows fetched page by page and summarised as one user message acknowledged by one assistant
// message, then the prompt asking for a strategy idea. No model call.

import type { OptimizerProgressEvent } from "./optimizerProgress";
import { describeRange, type IOptimizerRange } from "./optimizerRange";
import type {
  IOptimizerData,
  IOptimizerMessage,
  IOptimizerSchema,
  IOptimizerSource,
} from "./optimizerSchema";
import { OPTIMIZER_SYSTEM_PROMPT } from "./systemPrompt";

/** Default page size of source fetches, rows. */
export const DEFAULT_PAGE_LIMIT = 25;
/** Safety stop of a source that never returns a short page. */
const MAX_PAGES = 10_000;

/** Options of getData. */
export interface IOptimizerDataOptions {
  onProgress?(event: OptimizerProgressEvent): void;
  signal?: AbortSignal;
}

/** The default user message: the rows as compact JSON lines under a heading. */
export function defaultSourceUser(
  symbol: string,
  rows: unknown[],
  name: string,
  range: IOptimizerRange,
): string {
  const lines = [`${name} of ${symbol} for ${describeRange(range)} (${rows.length} rows):`];
  for (const row of rows)
    lines.push(JSON.stringify(row, (_key, value) => (value instanceof Date ? value.toISOString() : value)));
  return lines.join("\n");
}

/** The default assistant acknowledgement. */
export function defaultSourceAssistant(
  symbol: string,
  _rows: unknown[],
  name: string,
  range: IOptimizerRange,
): string {
  return `Read ${name} of ${symbol} for ${describeRange(range)}.`;
}

async function fetchAll(
  source: IOptimizerSource,
  symbol: string,
  range: IOptimizerRange,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<{ rows: unknown[]; pages: number }> {
  const rows: unknown[] = [];
  for (let pages = 1; pages <= MAX_PAGES; pages += 1) {
    signal?.throwIfAborted();
    const page = await source.fetch({
      symbol,
      startDate: range.startDate,
      endDate: range.endDate,
      limit,
      offset: rows.length,
    });
    rows.push(...page);
    if (page.length < limit) return { rows, pages };
  }
  return { rows, pages: MAX_PAGES };
}

/** The conversation of every training range of `schema` on `symbol`, in rangeTrain order. */
export async function buildConversations(
  schema: IOptimizerSchema,
  symbol: string,
  options: IOptimizerDataOptions = {},
): Promise<IOptimizerData[]> {
  const limit = schema.pageLimit ?? DEFAULT_PAGE_LIMIT;
  const data: IOptimizerData[] = [];
  for (const [rangeIndex, range] of schema.rangeTrain.entries()) {
    const messages: IOptimizerMessage[] = [
      { role: "system", content: schema.systemPrompt ?? OPTIMIZER_SYSTEM_PROMPT },
    ];
    for (const source of schema.source) {
      const { rows, pages } = await fetchAll(source, symbol, range, limit, options.signal);
      options.onProgress?.({
        kind: "fetch",
        source: source.name,
        rangeIndex,
        range,
        rows: rows.length,
        pages,
      });
      const user = await (source.user ?? defaultSourceUser)(symbol, rows, source.name, range);
      const assistant = await (source.assistant ?? defaultSourceAssistant)(symbol, rows, source.name, range);
      messages.push({ role: "user", content: user }, { role: "assistant", content: assistant });
    }
    const prompt = await schema.getPrompt(symbol, messages.slice(), range);
    data.push({ rangeIndex, range, messages, prompt });
  }
  return data;
}
