// Fraction digits of prices and volumes read as numbers (JSON numbers, Arrow float64), used to infer the
// tick size: arithmetic only, no number-to-string conversion per value.

const POWERS_OF_TEN = Array.from({ length: 13 }, (_, exponent) => 10 ** exponent);

/** Fraction digits (0..12) of the shortest decimal a double stands for: 105137.21 → 2, 4 → 0, 0.00001 → 5. */
export function fractionDigitsOfNumber(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const magnitude = Math.abs(value);
  for (let digits = 0; digits < 12; digits++) {
    const scaled = magnitude * POWERS_OF_TEN[digits]!;
    // Within a few ulps of an integer: the decimal ends here (105137.21 × 100 = 10513721.000000002).
    if (Math.abs(scaled - Math.round(scaled)) <= scaled * 1e-14) return digits;
  }
  return 12;
}
