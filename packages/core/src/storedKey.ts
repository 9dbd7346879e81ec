// Persistence keys as a text backend stores them (used by the Redis, MongoDB and PostgreSQL adapters).
// Such backends keep text as UTF-8, which would turn every lone surrogate into U+FFFD (two keys, one
// record: a silent wrong result) and, in PostgreSQL, refuse NUL; so "%", NUL and
// lone surrogates are escaped ("%25", "%00", "%uD800"). The escape maps each code unit on its own, so the
// stored form of a prefix is a prefix of the stored form of every key that starts with it (see storedPrefix).

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this escapes.
const ESCAPED = /%|\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPE = /%(25|00|u[0-9A-F]{4})/g;

/** The stored form of a key: "%" → "%25", NUL → "%00", a lone surrogate → "%uXXXX"; else unchanged. */
export function toStoredKey(key: string): string {
  return key.replace(ESCAPED, (unit) => {
    if (unit === "%") return "%25";
    if (unit === "\u0000") return "%00";
    return `%u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  });
}

/** The key a stored form stands for (the inverse of toStoredKey). */
export function fromStoredKey(stored: string): string {
  return stored.replace(ESCAPE, (_, code: string) => {
    if (code === "25") return "%";
    if (code === "00") return "\u0000";
    return String.fromCharCode(Number.parseInt(code.slice(1), 16));
  });
}

/**
 * A stored prefix every stored key starting with `prefix` starts with. A trailing high surrogate is left
 * out (in a key it may pair with the next unit and be stored as it is), so the backend may return a few
 * keys too many: the caller still filters the decoded keys with `startsWith(prefix)`.
 */
export function storedPrefix(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return toStoredKey(last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix);
}

/**
 * The smallest string above every string that starts with `start` (a stored prefix), both in code-point
 * order (UTF-8 bytes, COLLATE "C") and in UTF-16 order: the last code point plus one, where a last U+FFFF
 * or U+10FFFF is dropped instead (its successor would sort differently in the two orders); undefined
 * when there is none (every string is above). Used as the exclusive end of a prefix range query.
 */
export function storedPrefixEnd(start: string): string | undefined {
  const codePoints = [...start].map((char) => char.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? 0;
    if (last !== 0xffff && last !== 0x10ffff) {
      codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}
