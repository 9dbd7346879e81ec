// Keys and values the contract suite persists: odd keys that would escape a naive file layout or break a
// naive key scheme, and a nested JSON value that exercises every PersistValue shape. Exported so adapter
// authors can reuse them in their own adapter-specific tests.

import type { PersistValue } from "@bt/core";

/** Keys with path separators, traversal, spaces, punctuation, unicode and control characters. */
export const ODD_PERSIST_KEYS: ReadonlyArray<string> = [
  "../escape",
  "../../../../etc/passwd",
  "..\\windows\\escape",
  "..",
  ".",
  ".hidden",
  "a/b/c",
  "/absolute",
  "C:\\drive",
  "with space",
  " leading and trailing ",
  "colon:separated:key",
  "percent%2F%25encoded",
  "question?hash#amp&eq=",
  "quote\"apostrophe'back`tick",
  "star*pipe|lt<gt>",
  "tab\tnew\nline",
  "tilde~caret^",
  "ünïcödé-κλειδί-键-🔑",
  "emoji 🚀🌕 and ZWJ 👩‍💻",
  "BTCUSDT:my-strategy:binance",
  "btcusdt:my-strategy:binance",
  "k".repeat(300),
  `${"x".repeat(280)}-one`,
  `${"x".repeat(280)}-two`,
  `${"/..".repeat(100)}`,
  `${"é".repeat(150)}`,
];

/** A nested JSON value covering objects, arrays, strings, finite numbers, booleans and null. */
export const NESTED_PERSIST_VALUE: PersistValue = {
  id: "sig-1",
  position: "long",
  priceOpen: 42_000.5,
  priceTakeProfit: 43_000,
  priceStopLoss: 41_000.25,
  minuteEstimatedTime: 1440,
  flags: [true, false, null],
  numbers: [0, -1, 1.5e-7, 1e300, -2.5e-300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 5e-324],
  text: ["", "plain", 'quote " and \\ backslash', "line\nbreak\ttab", "ünïcödé 键 🔑", "\u0000nul"],
  nested: { level1: { level2: { level3: [{ deep: [1, [2, [3, { deeper: "yes" }]]] }] } } },
  empty: { object: {}, array: [] },
  "odd key.with dot": 1,
  $dollar: 2,
  "": "empty key",
  note: null,
};

/**
 * Keys of contract v2: the v1 odd keys plus what v2 adds (any string is a key): lone surrogates, NUL,
 * escape look-alikes, regex/LIKE metacharacters, and characters whose UTF-8 byte order differs from
 * their UTF-16 code-unit order (U+E000…U+FFFF against astral characters).
 */
export const ODD_PERSIST_KEYS_V2: ReadonlyArray<string> = [
  ...ODD_PERSIST_KEYS,
  "lone high \uD800 surrogate",
  "lone low \uDC00 surrogate",
  "\uD800",
  "\uD801",
  "\uFFFD",
  "\uDBFF",
  "\uDFFF\uD800 reversed pair",
  "trailing high \uD83D",
  "nul\u0000inside",
  "%00",
  "%25",
  "%u0041 not an escape",
  "%",
  "100%_off",
  "a_b",
  "a.*b",
  "a\\b",
  "a[b]",
  "^anchored$",
  "(group)+?{1}",
  "\uE000 private use",
  "\uFFFF last bmp",
  "\uFFFD replacement",
  "😀 astral",
  "#hash/slash:colon",
];
