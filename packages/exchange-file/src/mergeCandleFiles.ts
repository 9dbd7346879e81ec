// Joins the files of one symbol and interval (e.g. monthly dumps) into one ascending series: files are
// ordered by first open time, overlaps are errors naming both files, holes between files are gaps. The
// result stays marked checked (core's markCandleColumnsChecked) when every file's columns were.

import { areCandleColumnsChecked, BtError, markCandleColumnsChecked } from "@bt/core";
import type { ICandleColumns } from "./candleColumns";
import type { FileGapPolicy, ICandleFile, ICandleGap } from "./candleFileTypes";

/**
 * One series from several files of the same interval (`intervalMs`); marked checked when every input is.
 * @throws BtError CANDLES when two files overlap, or on a gap between files with onGap "error".
 */
export function mergeCandleFiles(
  files: ReadonlyArray<ICandleFile>,
  intervalMs: number,
  onGap: FileGapPolicy,
): { columns: ICandleColumns; gaps: ICandleGap[] } {
  const nonEmpty = files.filter((file) => file.columns.timestamp.length > 0);
  nonEmpty.sort((left, right) => left.columns.timestamp[0]! - right.columns.timestamp[0]!);
  const gaps = files.flatMap((file) => file.gaps);
  if (nonEmpty.length === 1) return { columns: nonEmpty[0]!.columns, gaps };
  let total = 0;
  for (let index = 0; index < nonEmpty.length; index++) {
    const file = nonEmpty[index]!;
    total += file.columns.timestamp.length;
    const previous = nonEmpty[index - 1];
    if (previous === undefined) continue;
    const previousLast = previous.columns.timestamp[previous.columns.timestamp.length - 1]!;
    const first = file.columns.timestamp[0]!;
    if (first <= previousLast) {
      throw new BtError(
        "CANDLES",
        `exchange-file: ${file.file} overlaps ${previous.file}: it starts at ${new Date(first).toISOString()}, at or before ${new Date(previousLast).toISOString()}`,
        { field: "timestamp", value: first, adapter: "file" },
      );
    }
    if (first - previousLast > intervalMs) {
      const gap: ICandleGap = {
        file: file.file,
        line: 1,
        afterMs: previousLast,
        beforeMs: first,
        missingCandles: (first - previousLast) / intervalMs - 1,
      };
      if (onGap === "error") {
        throw new BtError(
          "CANDLES",
          `exchange-file: gap of ${gap.missingCandles} candle(s) between ${previous.file} and ${file.file}`,
          { field: "timestamp", value: first, adapter: "file" },
        );
      }
      gaps.push(gap);
    }
  }
  const fields = ["timestamp", "open", "high", "low", "close", "volume"] as const;
  const columns = {} as ICandleColumns;
  for (const field of fields) {
    const merged = new Float64Array(total);
    let offset = 0;
    for (const file of nonEmpty) {
      merged.set(file.columns[field], offset);
      offset += file.columns[field].length;
    }
    columns[field] = merged;
  }
  // Checked rows, and no overlap between files: the joined series is still strictly ascending.
  if (nonEmpty.every((file) => areCandleColumnsChecked(file.columns))) markCandleColumnsChecked(columns);
  return { columns, gaps };
}
