// `bt report <run.json | dump dir>`: renders the markdown report of run records saved by --json or
// --dump again, to stdout or to --out; a dump folder renders every record in it.

import { existsSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeReport } from "@bt/report-markdown";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { type IParsedArgs, stringOption } from "../parsedArgs";
import { renderRunReport } from "../renderRunReport";
import {
  type IRunRecord,
  isRunRecord,
  RUN_RECORD_KINDS,
  RUN_RECORD_VERSION,
  runRecordVersion,
} from "../runRecord";
import { renderRunSummary } from "../runSummary";

async function findRecordFiles(path: string): Promise<string[]> {
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  for (const kind of RUN_RECORD_KINDS) {
    const folder = join(path, kind);
    if (!existsSync(folder)) continue;
    for (const name of (await readdir(folder)).sort())
      if (name.endsWith(".json")) files.push(join(folder, name));
  }
  // A folder of plain .json records (e.g. several --json outputs) works too.
  if (files.length === 0) {
    for (const name of (await readdir(path)).sort()) if (name.endsWith(".json")) files.push(join(path, name));
  }
  return files;
}

async function readRecord(file: string): Promise<IRunRecord> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw badInput(
      `${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      "pass a file written by --json or --dump",
    );
  }
  const version = runRecordVersion(parsed);
  if (version !== null && version !== RUN_RECORD_VERSION) {
    throw badInput(
      `${file} is a version ${version} bt run record; this bt renders version ${RUN_RECORD_VERSION} (records with status, problems and config)`,
      version < RUN_RECORD_VERSION
        ? "re-run the backtest or walker with --json or --dump to write a current record"
        : "upgrade bt to render it",
    );
  }
  if (!isRunRecord(parsed)) {
    throw badInput(
      `${file} is not a bt run record`,
      "pass a file written by bt backtest/walker --json or --dump",
    );
  }
  return parsed;
}

/**
 * Reads the run records of a record file or a dump folder (`target` resolved against `cwd`).
 * @throws CliError (exit 2) when the path is missing, holds no records, or a file is not a current record.
 */
export async function loadRunRecords(
  target: string,
  cwd: string,
): Promise<{ path: string; records: IRunRecord[] }> {
  const path = resolve(cwd, target);
  if (!existsSync(path))
    throw badInput(`not found: ${path}`, "pass a file written by --json or a --dump folder");
  const files = await findRecordFiles(path);
  if (files.length === 0)
    throw badInput(`no run records (.json) in ${path}`, "run bt backtest … --dump <dir> first");
  return { path, records: await Promise.all(files.map(readRecord)) };
}

/** Runs `bt report` with its parsed arguments; returns the exit code. */
export async function runReportCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const target = args.positionals[0];
  if (target === undefined || args.positionals.length > 1) {
    throw badInput("expected one run record file or dump folder", "bt report <run.json | dump dir>");
  }
  const { path, records } = await loadRunRecords(target, io.cwd);
  const html = stringOption(args, "html");
  if (html !== undefined) {
    if (records.length !== 1) {
      throw badInput(
        `--html renders one record, ${path} holds ${records.length}`,
        "pass one .json file (e.g. <dump>/backtest/<strategy>.json)",
      );
    }
    const { writeHtmlReport } = await import("../htmlReport");
    await writeHtmlReport(resolve(io.cwd, html), records[0] as (typeof records)[number]);
    io.stderr.write(`html: ${resolve(io.cwd, html)}\n`);
    return 0;
  }
  const render = args.values.summary === true ? renderRunSummary : renderRunReport;
  const output = records.map(render).join("\n");
  const out = stringOption(args, "out");
  if (out === undefined) io.stdout.write(output);
  else {
    await writeReport(resolve(io.cwd, out), output);
    io.stderr.write(`report: ${resolve(io.cwd, out)}\n`);
  }
  return 0;
}
