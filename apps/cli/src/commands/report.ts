// `bt report <run.json | dump dir>`: renders the markdown report of run records saved by --json or
// --dump again, to stdout or to --out; a dump folder renders every record in it.

import { existsSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeReport } from "@bt/report-markdown";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { parseCommandArgs, stringOption } from "../parseCommandArgs";
import { renderRunReport } from "../renderRunReport";
import { type IRunRecord, isRunRecord, RUN_RECORD_VERSION, runRecordVersion } from "../runRecord";
import { renderRunSummary } from "../runSummary";

/** Help text of `bt report`. */
export const REPORT_HELP = `Usage: bt report <run.json | dump dir> [options]

Renders the markdown report of a previous run from its JSON record: the output of --json, or the
.json files --dump wrote (a folder is searched for backtest/*.json and walker/*.json). Records of
version ${RUN_RECORD_VERSION} only; an older record is refused with a message (re-run to get a new one).

Options:
      --out <file>   write the markdown to a file (atomically) instead of stdout
      --summary      print the terminal summary table instead of markdown
      --verbose      print stacks of errors
  -h, --help         show this help

Examples:
  bt backtest examples/strategies/smaCrossover.ts --json > run.json && bt report run.json
  bt backtest examples/strategies/smaCrossover.ts --dump ./dump && bt report ./dump --out report.md
`;

const REPORT_SPECS = {
  out: { type: "string" },
  summary: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function findRecordFiles(path: string): Promise<string[]> {
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  for (const kind of ["backtest", "walker"]) {
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

/** Runs `bt report`; returns the exit code. */
export async function runReportCommand(argv: string[], io: ICliIo): Promise<number> {
  const args = parseCommandArgs("report", argv, REPORT_SPECS);
  if (args.values.help === true) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  const target = args.positionals[0];
  if (target === undefined || args.positionals.length > 1) {
    throw badInput("expected one run record file or dump folder", "bt report <run.json | dump dir>");
  }
  const path = resolve(io.cwd, target);
  if (!existsSync(path))
    throw badInput(`not found: ${path}`, "pass a file written by --json or a --dump folder");
  const files = await findRecordFiles(path);
  if (files.length === 0)
    throw badInput(`no run records (.json) in ${path}`, "run bt backtest … --dump <dir> first");
  const records = await Promise.all(files.map(readRecord));
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
