// A time range of an optimizer (training or test) and its one-line description in messages and comments.

/** A time range of candles: startDate inclusive, endDate exclusive, with an optional label. */
export interface IOptimizerRange {
  /** Free text naming the range in messages and generated comments, e.g. "bull run". */
  note?: string;
  startDate: Date;
  endDate: Date;
}

/** "2025-01-02T00:00:00.000Z … 2025-01-10T00:00:00.000Z (note)". */
export function describeRange(range: IOptimizerRange): string {
  const span = `${range.startDate.toISOString()} … ${range.endDate.toISOString()}`;
  return range.note === undefined || range.note === "" ? span : `${span} (${range.note})`;
}
