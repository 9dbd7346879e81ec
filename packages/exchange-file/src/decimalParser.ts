// Fast decimal-number parsing straight from bytes (no string per field): the hot path of the CSV reader.
// Exact for up to 15–16 significant digits (integer mantissa ÷ exact power of ten, correctly rounded);
// anything longer or with an exponent falls back to Number() on the decoded text, so results equal parseFloat.

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);
const MAX_EXACT_MANTISSA = 2 ** 53;

/** Fraction digits of the last number parsed by parseDecimal (0 for integers); used to infer tick sizes. */
export const lastParse = { fractionDigits: 0 };

/**
 * The number written in `bytes[start, end)` (ASCII, optional sign, optional fraction, optional exponent,
 * surrounding spaces and double quotes ignored), or NaN when the text is empty or not a number.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && (bytes[start] === 32 || bytes[start] === 34)) start++;
  while (end > start && (bytes[end - 1] === 32 || bytes[end - 1] === 34 || bytes[end - 1] === 13)) end--;
  if (start >= end) return Number.NaN;
  let position = start;
  let negative = false;
  const first = bytes[position]!;
  if (first === 45) {
    negative = true;
    position++;
  } else if (first === 43) {
    position++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  for (; position < end; position++) {
    const code = bytes[position]!;
    const digit = code - 48;
    if (digit >= 0 && digit <= 9) {
      mantissa = mantissa * 10 + digit;
      digits++;
      if (seenPoint) fractionDigits++;
    } else if (code === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      return slowParse(bytes, start, end);
    }
  }
  if (digits === 0) return Number.NaN;
  lastParse.fractionDigits = fractionDigits;
  if (mantissa >= MAX_EXACT_MANTISSA || fractionDigits > 22) return slowParse(bytes, start, end);
  const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits]!;
  return negative ? -value : value;
}

/** Exponents, long mantissas and odd spellings: decode and let the engine parse; NaN if not a number. */
function slowParse(bytes: Uint8Array, start: number, end: number): number {
  let text = "";
  for (let position = start; position < end; position++) text += String.fromCharCode(bytes[position]!);
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number.NaN;
  const point = trimmed.indexOf(".");
  const exponentAt = trimmed.search(/[eE]/);
  lastParse.fractionDigits = point < 0 ? 0 : (exponentAt < 0 ? trimmed.length : exponentAt) - point - 1;
  return Number(trimmed);
}
