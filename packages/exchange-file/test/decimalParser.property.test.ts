import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readCsvCandles } from "@bt/exchange-file";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tempDir } from "./testFiles";

// The hand-written byte parser must agree with Number() on every decimal spelling a candle file may use.
describe("CSV number parsing agrees with Number()", () => {
  it("for random decimal spellings (fraction digits, exponents, signs, long mantissas)", async () => {
    const dir = await tempDir();
    const spelling = fc.oneof(
      fc.double({ min: 1e-8, max: 1e9, noNaN: true, noDefaultInfinity: true }).map((value) => String(value)),
      fc
        .tuple(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: 0, max: 12 }))
        .map(([mantissa, decimals]) => (mantissa / 10 ** decimals).toFixed(decimals)),
      fc.bigInt({ min: 1n, max: 10n ** 20n }).map((value) => `${value}.5`),
      fc
        .double({ min: 1e-8, max: 1e9, noNaN: true, noDefaultInfinity: true })
        .map((value) => value.toExponential()),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(spelling, { minLength: 1, maxLength: 40 }), async (values) => {
        const path = join(dir, "P-1m.csv");
        const text = values
          .map(
            (value, index) =>
              `${Date.UTC(2025, 0, 1) + index * 60_000},${value},${value},${value},${value},${value}`,
          )
          .join("\n");
        await writeFile(path, text);
        const file = await readCsvCandles(path);
        expect(Array.from(file.columns.close)).toEqual(values.map(Number));
        expect(Array.from(file.columns.volume)).toEqual(values.map(Number));
      }),
      { numRuns: 60 },
    );
  });
});
