// The page's data as one JSON blob inside <script type="application/json">: JSON text with every
// character that could end the script element or start markup written as a \u escape, so no string
// ("</script>", "<!--") can break out, and JSON.parse reads back exactly the same value.

import { reportInputError } from "./checkedNumber";

const SCRIPT_UNSAFE: Readonly<Record<string, string>> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * JSON text safe inside a script element. Numbers stay numbers; a non-finite number anywhere throws
 * (JSON.stringify would silently write null).
 * @throws BtError VALIDATION naming the path of a non-finite number.
 */
export function jsonForScript(value: unknown): string {
  const text = JSON.stringify(value, function guard(this: unknown, key: string, item: unknown) {
    if (typeof item === "number" && !Number.isFinite(item)) {
      throw reportInputError(`page data ${key}`, `must be a finite number, got ${item}`, item);
    }
    return item;
  });
  return text.replace(/[<>&\u2028\u2029]/g, (character) => SCRIPT_UNSAFE[character] ?? character);
}
