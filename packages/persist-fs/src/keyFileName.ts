// Maps any persistence key to one safe file name and back. Safe characters stay readable, everything
// else is percent-encoded (UTF-8), so no name can contain a separator, start with "." or be "..".
// Keys with upper-case letters (case-insensitive file systems), lone surrogates or long encodings get a
// hash suffix; the record itself stores the original key, which wins when the name cannot be decoded.

import { createHash } from "node:crypto";

/** Extension of record files. */
export const RECORD_EXTENSION = ".json";

/** Longest readable part of a file name, in characters (the full name stays far below 255 bytes). */
const MAX_READABLE_LENGTH = 100;
const HASH_SEPARATOR = "~";
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const UPPER_CASE = /[A-Z]/;
const utf8 = new TextEncoder();

/** The record file name of `key`: `<encoded key>.json`, or `<encoded prefix>~<hash>.json`. */
export function keyToFileName(key: string): string {
  const readable = encodeReadable(key);
  const needsHash = UPPER_CASE.test(key) || LONE_SURROGATE.test(key) || readable.length > MAX_READABLE_LENGTH;
  if (!needsHash) return readable + RECORD_EXTENSION;
  return truncateReadable(readable) + HASH_SEPARATOR + hashKey(key) + RECORD_EXTENSION;
}

/** The key a record file name stands for, or undefined when only the record itself can tell. */
export function fileNameToKey(fileName: string): string | undefined {
  if (!fileName.endsWith(RECORD_EXTENSION) || fileName.startsWith(".")) return undefined;
  const stem = fileName.slice(0, -RECORD_EXTENSION.length);
  const separator = stem.lastIndexOf(HASH_SEPARATOR);
  const candidate = decodeReadable(separator === -1 ? stem : stem.slice(0, separator));
  // Only a name this module would produce for the candidate is trusted (a truncated prefix is not).
  return candidate !== undefined && keyToFileName(candidate) === fileName ? candidate : undefined;
}

/**
 * False only when the record file `fileName` cannot hold a key starting with `prefix`: a cheap filter
 * on the readable part of the name (also of a hashed name, whose readable part may be truncated), so
 * `list(entity, prefix)` opens no record that cannot match. Temp and dot files never match.
 */
export function fileNameMayHoldPrefix(fileName: string, prefix: string): boolean {
  if (!fileName.endsWith(RECORD_EXTENSION) || fileName.startsWith(".")) return false;
  if (prefix.length === 0) return true;
  const stem = fileName.slice(0, -RECORD_EXTENSION.length);
  const separator = stem.lastIndexOf(HASH_SEPARATOR);
  const readable = separator === -1 ? stem : stem.slice(0, separator);
  // A trailing high surrogate may pair with the key's next unit (then it encodes differently): drop it.
  const comparable = /[\uD800-\uDBFF]$/.test(prefix) ? prefix.slice(0, -1) : prefix;
  const wanted = encodeReadable(comparable);
  return readable.startsWith(wanted) || (separator !== -1 && wanted.startsWith(readable));
}

function encodeReadable(key: string): string {
  let encoded = "";
  for (const char of key) {
    const keep = /^[A-Za-z0-9_-]$/.test(char) || (char === "." && encoded.length > 0);
    if (keep) {
      encoded += char;
      continue;
    }
    for (const byte of utf8.encode(char)) encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

function decodeReadable(readable: string): string | undefined {
  try {
    return readable.length === 0 ? undefined : decodeURIComponent(readable);
  } catch {
    return undefined;
  }
}

function truncateReadable(readable: string): string {
  if (readable.length <= MAX_READABLE_LENGTH) return readable;
  const cut = readable.slice(0, MAX_READABLE_LENGTH);
  // Never end inside a "%XX" escape.
  const percent = cut.lastIndexOf("%");
  return percent >= MAX_READABLE_LENGTH - 2 ? cut.slice(0, percent) : cut;
}

function hashKey(key: string): string {
  // UTF-16 code units, so even keys with lone surrogates hash distinctly.
  return createHash("sha256").update(key, "utf16le").digest("hex").slice(0, 16);
}
