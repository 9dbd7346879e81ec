// The environment settings of the crash test: how many SIGKILLs per adapter (BT_CRASH_KILLS, the long
// mode) and which PostgreSQL server holds the postgres run (BT_PG_URL, default the local `test` database).

/** Kills per adapter when BT_CRASH_KILLS is unset: quick enough for every CI run. */
export const DEFAULT_CRASH_KILLS = 20;
/**
 * Kills per adapter of the "manage" scenario (size changes) when BT_CRASH_KILLS is unset: it runs beside
 * the plain one, so fewer keep the file's time about what it was (BT_CRASH_KILLS sets both).
 */
export const DEFAULT_MANAGE_CRASH_KILLS = 10;

/**
 * SIGKILLs wanted per adapter: BT_CRASH_KILLS (an integer ≥ 1, e.g. 200 for the long mode) or
 * `fallback` (default DEFAULT_CRASH_KILLS).
 * @throws Error when BT_CRASH_KILLS is set to anything but a positive integer.
 */
export function crashKills(
  environment: NodeJS.ProcessEnv = process.env,
  fallback: number = DEFAULT_CRASH_KILLS,
): number {
  const text = environment.BT_CRASH_KILLS;
  if (text === undefined || text.trim() === "") return fallback;
  const kills = Number(text);
  if (!Number.isInteger(kills) || kills < 1) {
    throw new Error(`BT_CRASH_KILLS must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return kills;
}

/** The PostgreSQL URL of the crash test: BT_PG_URL, or the local trust-auth server's `test` database. */
export function crashPostgresUrl(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.BT_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}
