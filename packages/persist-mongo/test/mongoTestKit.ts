// Shared helpers of the Mongo tests: the server provided by the global setup, a database name unique to
// each test file (jongodb cannot drop databases, so names are never reused), and the skip reason.

import { inject } from "vitest";

/** URL of the MongoDB-wire server, "" when none could be provided. */
export const MONGO_URL = inject("mongoUrl");
/** Which server the tests run against. */
export const MONGO_SERVER = inject("mongoServer");
/** Why the suite is skipped ("" when it runs); the contract suite prints it in a banner. */
export const MONGO_SKIP_REASON = inject("mongoSkipReason");

/** A database name no other test file or run shares. */
export function uniqueDbName(label: string): string {
  return `bt_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
