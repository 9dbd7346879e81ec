// `bt data import|download|list|check`: the candle data commands. import fills the on-disk candle cache
// (<state>/candles) from a folder of candle files; download fills it through ccxt, resumably, with
// progress; list shows what the cache (or a folder of files) holds, with its gaps; check looks for gaps,
// duplicates, OHLC anomalies and zero-volume runs. So `--exchange binance --offline` runs make no request.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type CandleInterval,
  candlesToColumns,
  DAY_MS,
  type ICandleColumns,
  intervalToMs,
  isCandleInterval,
  sliceCandleColumns,
} from "@bt/core";
import {
  CANDLE_ISSUE_KINDS,
  type CandleIssue,
  checkCandles,
  createFileExchange,
  downloadCandles,
  type ICandleCheckReport,
  importCandles,
  listCandleData,
  lowerBound,
  normalizeSymbol,
} from "@bt/exchange-file";
import { badInput, CliError, EXIT_FAILURE } from "../cliError";
import { type CliExchangeName, cachedVenue, ccxtVenue, parseExchangeName } from "../cliExchange";
import type { ICliIo } from "../cliIo";
import { parseDate } from "../parseDate";
import { flagOption, type IParsedArgs, stringOption } from "../parsedArgs";
import { createProgressReporter } from "../progressBar";
import { renderTextTable } from "../textTable";

/** The data subcommands. */
export const DATA_SUBCOMMANDS = ["import", "download", "list", "check"] as const;

const USAGE = "bt data import <dir> | download --symbols A,B --from --to | list | check --symbol S";

function stateDirOf(args: IParsedArgs, io: ICliIo): string {
  return resolve(io.cwd, stringOption(args, "state") ?? io.env.BT_STATE_DIR ?? ".bt-data");
}

function venueOf(args: IParsedArgs): Exclude<CliExchangeName, "file"> {
  const exchange = parseExchangeName(stringOption(args, "exchange") ?? "binance");
  if (exchange === "file")
    throw badInput("--exchange file reads files directly and has no cache", "use --data <dir> instead");
  return exchange;
}

function intervalOf(args: IParsedArgs): CandleInterval {
  const interval = stringOption(args, "interval") ?? "1m";
  if (!isCandleInterval(interval)) {
    throw badInput(`bad --interval ${JSON.stringify(interval)}`, "use 1m, 5m, 15m, 1h, 4h, 1d …");
  }
  return interval;
}

const iso = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString().slice(0, 16));

/** Runs `bt data <subcommand>` (positionals: subcommand, then its own); returns the exit code. */
export async function runDataCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const [subcommand, ...rest] = args.positionals;
  switch (subcommand) {
    case "import":
      return importCommand(args, rest, io);
    case "download":
      return downloadCommand(args, io);
    case "list":
      return listCommand(args, io);
    case "check":
      return checkCommand(args, io);
    default:
      throw badInput(`unknown data subcommand ${JSON.stringify(subcommand ?? "")}`, USAGE);
  }
}

async function importCommand(args: IParsedArgs, rest: string[], io: ICliIo): Promise<number> {
  const [source, ...extra] = rest;
  if (source === undefined || extra.length > 0)
    throw badInput("expected one folder to import", "bt data import <dir>");
  const from = resolve(io.cwd, source);
  if (!existsSync(from)) throw badInput(`folder not found: ${from}`, "pass a folder of candle files");
  const exchange = venueOf(args);
  const cacheDir = join(stateDirOf(args, io), "candles");
  const summary = await importCandles({
    from,
    cacheDir,
    exchangeName: exchange,
    skipBad: flagOption(args, "skipBad"),
  });
  if (flagOption(args, "json")) io.stdout.write(`${JSON.stringify({ ...summary, cacheDir, exchange })}\n`);
  else {
    io.stdout.write(
      `imported ${summary.candles} candles (${summary.days} days, ${summary.symbols.join(", ") || "no symbols"}) from ${summary.files} files into ${join(cacheDir, exchange)}\n`,
    );
    if (summary.skippedCount > 0)
      io.stdout.write(`  skipped ${summary.skippedCount} bad line(s) (--skip-bad)\n`);
    for (const problem of summary.problems) io.stdout.write(`  problem: ${problem}\n`);
  }
  if (summary.files === 0) {
    throw new CliError(`no candle files imported from ${from}`, {
      hint: "files must be named <SYMBOL>[-<interval>]-….csv[.gz|.zip] (Binance) or <BASE>_<QUOTE>-<interval>.json|feather (freqtrade)",
      exitCode: summary.problems.length > 0 ? EXIT_FAILURE : 2,
    });
  }
  return 0;
}

async function downloadCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const exchange = venueOf(args);
  const symbols = (stringOption(args, "symbols") ?? stringOption(args, "symbol") ?? "")
    .split(",")
    .map((symbol) => symbol.trim())
    .filter((symbol) => symbol !== "");
  if (symbols.length === 0) throw badInput("no symbols to download", "pass --symbols BTC/USDT,ETH/USDT");
  const fromText = stringOption(args, "from");
  const toText = stringOption(args, "to");
  if (fromText === undefined || toText === undefined) {
    throw badInput("download needs --from and --to", "e.g. --from 2025-06-01 --to 2025-07-01");
  }
  const fromMs = parseDate("--from", fromText);
  const toMs = parseDate("--to", toText);
  if (fromMs >= toMs)
    throw badInput(`--from ${fromText} is not before --to ${toText}`, "the range is [from, to)");
  const interval = intervalOf(args);
  const cacheDir = join(stateDirOf(args, io), "candles");
  const source = await ccxtVenue(exchange, io.env);
  const json = flagOption(args, "json");
  const progress = await createProgressReporter(io, { plain: json });
  let result: Awaited<ReturnType<typeof downloadCandles>>;
  try {
    result = await downloadCandles(source, {
      symbols,
      interval,
      fromMs,
      toMs,
      cacheDir,
      cacheKey: exchange,
      onProgress: ({ symbol, done, total }) => progress.update(`days (${symbol})`, done, total),
    });
  } finally {
    progress.finish();
  }
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...result, cacheDir })}\n`);
  } else {
    const rows = result.symbols.map((entry) => [
      entry.symbol,
      String(entry.fetchedDays),
      String(entry.cachedDays),
      String(entry.candles),
      iso(entry.firstAt),
      iso(entry.lastAt),
      String(entry.gaps.length),
    ]);
    io.stdout.write(
      `${renderTextTable(["symbol", "fetched days", "cached days", "candles", "first", "last", "gaps"], rows, [false, true, true, true, false, false, true])}\n`,
    );
    io.stdout.write(`${result.requests} request(s) to ${exchange}; cache ${join(cacheDir, exchange)}\n`);
    for (const entry of result.symbols) {
      for (const gap of entry.gaps.slice(0, 5)) {
        io.stdout.write(
          `  gap ${entry.symbol}: ${gap.missingCandles} candle(s) from ${iso(gap.fromMs)} to ${iso(gap.toMs)}\n`,
        );
      }
    }
  }
  return 0;
}

async function listCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const dataOption = stringOption(args, "data");
  const dir = dataOption === undefined ? join(stateDirOf(args, io), "candles") : resolve(io.cwd, dataOption);
  if (!existsSync(dir)) {
    throw badInput(
      `nothing cached: ${dir} does not exist`,
      "fill it with bt data import <dir> or bt data download",
    );
  }
  const entries = await listCandleData(dir);
  if (flagOption(args, "json")) {
    io.stdout.write(`${JSON.stringify({ dir, entries })}\n`);
    return 0;
  }
  if (entries.length === 0) {
    io.stdout.write(`no candles in ${dir}\n`);
    return 0;
  }
  const rows = entries.map((entry) => [
    entry.exchange,
    entry.symbol,
    entry.interval,
    iso(entry.firstAt),
    iso(entry.lastAt),
    String(entry.candles),
    String(entry.gaps.length),
    String(entry.gaps.reduce((sum, gap) => sum + gap.missingCandles, 0)),
  ]);
  io.stdout.write(
    `${renderTextTable(["exchange", "symbol", "interval", "first", "last", "candles", "gaps", "missing"], rows, [false, false, false, false, false, true, true, true])}\n`,
  );
  for (const entry of entries)
    for (const problem of entry.problems) io.stdout.write(`  problem: ${problem}\n`);
  return 0;
}

/** The columns `check` reads: a folder of files (--data), or a venue's candle cache, offline. */
async function checkedColumns(args: IParsedArgs, io: ICliIo, symbol: string, interval: CandleInterval) {
  const dataOption = stringOption(args, "data");
  const fromText = stringOption(args, "from");
  const toText = stringOption(args, "to");
  const fromMs = fromText === undefined ? Number.NEGATIVE_INFINITY : parseDate("--from", fromText);
  const toMs = toText === undefined ? Number.POSITIVE_INFINITY : parseDate("--to", toText);
  if (dataOption !== undefined) {
    const dir = resolve(io.cwd, dataOption);
    if (!existsSync(dir))
      throw badInput(`data folder not found: ${dir}`, "pass --data <dir> with candle files");
    // Every row of the files as read (gaps reported, not thrown), so the check sees what is there.
    const files = createFileExchange({ dir, onGap: "report" });
    const columns = await files.getColumns(symbol, interval);
    return { source: dir, columns: sliceRange(columns, fromMs, toMs) };
  }
  const venue = venueOf(args);
  const stateDir = stateDirOf(args, io);
  const cacheDir = join(stateDir, "candles");
  const listed = (await listCandleData(cacheDir)).find(
    (entry) =>
      entry.exchange === venue && entry.symbol === normalizeSymbol(symbol) && entry.interval === interval,
  );
  if (listed === undefined || listed.firstAt === null || listed.lastAt === null) {
    throw badInput(
      `no ${interval} candles of ${symbol} in the ${venue} cache ${cacheDir}`,
      "see bt data list",
    );
  }
  // Day by day through the cache, offline: what the runs will read, never the network.
  const cached = await cachedVenue(venue, stateDir, true, io.env);
  const startMs = Math.max(fromMs, Math.floor(listed.firstAt / DAY_MS) * DAY_MS);
  const endMs = Math.min(toMs, listed.lastAt + 1);
  const candles = [];
  const perDay = Math.ceil(DAY_MS / intervalToMs(interval));
  for (let dayMs = Math.floor(startMs / DAY_MS) * DAY_MS; dayMs < endMs; dayMs += DAY_MS) {
    try {
      const day = await cached.getCandles(normalizeSymbol(symbol), interval, new Date(dayMs), perDay);
      candles.push(...day.filter((candle) => candle.timestamp < dayMs + DAY_MS));
    } catch {
      // A day missing from the cache is a gap, which the check reports.
    }
  }
  return { source: join(cacheDir, venue), columns: sliceRange(candlesToColumns(candles), fromMs, toMs) };
}

function sliceRange(columns: ICandleColumns, fromMs: number, toMs: number): ICandleColumns {
  const from = lowerBound(columns.timestamp, fromMs);
  return sliceCandleColumns(columns, from, Math.max(from, lowerBound(columns.timestamp, toMs)));
}

function describeIssue(issue: CandleIssue): string {
  switch (issue.kind) {
    case "gap":
      return `gap: ${issue.missingCandles} candle(s) missing from ${iso(issue.fromMs)} to ${iso(issue.toMs)}`;
    case "zero-volume-run":
      return `zero volume: ${issue.candles} candles from ${iso(issue.fromMs)} to ${iso(issue.toMs)}`;
    case "duplicate":
    case "unaligned":
      return `${issue.kind}: ${iso(issue.atMs)}`;
    case "out-of-order":
      return `out of order: ${iso(issue.atMs)} after ${iso(issue.previousMs)}`;
    case "bad-price":
      return `bad ${issue.field} ${issue.value} at ${iso(issue.atMs)}`;
    case "high-below-body":
      return `high ${issue.high} below the body (${issue.bodyHigh}) at ${iso(issue.atMs)}`;
    case "low-above-body":
      return `low ${issue.low} above the body (${issue.bodyLow}) at ${iso(issue.atMs)}`;
    case "negative-volume":
      return `negative volume ${issue.volume} at ${iso(issue.atMs)}`;
  }
}

async function checkCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const symbol = stringOption(args, "symbol");
  if (symbol === undefined || symbol.trim() === "")
    throw badInput("check needs --symbol", "e.g. --symbol BTCUSDT");
  const interval = intervalOf(args);
  const { source, columns } = await checkedColumns(args, io, symbol.trim(), interval);
  const report: ICandleCheckReport = checkCandles(columns, interval);
  if (flagOption(args, "json")) io.stdout.write(`${JSON.stringify({ source, symbol, ...report })}\n`);
  else {
    io.stdout.write(
      `${symbol} ${interval} in ${source}: ${report.candles} candles, ${iso(report.firstAt)} to ${iso(report.lastAt)}, ${report.missingCandles} missing\n`,
    );
    const rows = CANDLE_ISSUE_KINDS.map((kind) => [kind, String(report.counts[kind])]);
    io.stdout.write(`${renderTextTable(["issue", "count"], rows, [false, true])}\n`);
    for (const issue of report.issues.slice(0, 20)) io.stdout.write(`  ${describeIssue(issue)}\n`);
    io.stdout.write(report.ok ? "ok: no issue found\n" : "issues found\n");
  }
  // A check that finds issues fails, as a linter does: scripts can stop on it.
  return report.ok ? 0 : EXIT_FAILURE;
}
