// Every TypeScript / JavaScript block of every README is a tested file: annotated with
// `<!-- example: examples/docs/<file>.ts -->` (or `…#<region>`) and byte-identical to that file (or region),
// or marked `<!-- not-runnable: <reason> -->`. Each example file is then run (tsx, on the workspace sources)
// in a fresh folder where `examples/` is the repository's, and its stdout must equal the README block annotated
// `<!-- output: <file> -->` (no such block: it must print nothing). Example files named `*.test.ts` are
// vitest files: this project's vitest config runs them as tests. The files for the `bt` CLI (strategy files,
// plug-in modules: cliExamples.ts) run through the built CLI instead, each with its command and check.

import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { CLI_BIN, CLI_EXAMPLES, looksLikeCliFile, runCliExample, runProcess } from "./cliExamples.ts";
import { CODE_LANGUAGES, exampleText, findReadmes, type IReadmeBlock, readmeBlocks } from "./readmeBlocks.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by persist-mongo's global setup: the MongoDB URL, or "" when no server could be provided. */
    mongoUrl: string;
    /** Why no MongoDB server is available, or "". */
    mongoSkipReason: string;
  }
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

// READMEs not checked yet (each while the work that owns it is being merged): none at the moment.
const SKIPPED_READMES: string[] = [];

const readmes = findReadmes(ROOT);
const checkedReadmes = readmes.filter((readme) => !SKIPPED_READMES.includes(readme));
const blocks = checkedReadmes.flatMap((readme) => readmeBlocks(ROOT, readme));

describe("README code blocks", () => {
  it("finds the READMEs, and the skip list names only existing ones", () => {
    expect(readmes).toContain("README.md");
    expect(readmes).toContain("packages/engine/README.md");
    expect(readmes).toContain("apps/cli/README.md");
    // the skip list may be empty; what it names must exist (a renamed README is not skipped silently)
    expect(SKIPPED_READMES.filter((skipped) => !readmes.includes(skipped))).toEqual([]);
  });

  for (const readme of readmes) {
    const skipped = SKIPPED_READMES.includes(readme);
    (skipped ? it.skip : it)(`${readme}: each ts/js block is an example file or marked not runnable`, () => {
      expect(readmeBlocks(ROOT, readme).flatMap(blockProblems)).toEqual([]);
    });
  }
});

function blockProblems(block: IReadmeBlock): string[] {
  const at = `${block.readme}:${block.line}`;
  const { annotation } = block;
  const isCode = CODE_LANGUAGES.has(block.language);
  if (annotation.kind === "malformed") return [`${at}: unreadable annotation ${annotation.text}`];
  if (!isCode) {
    if (annotation.kind === "example" || annotation.kind === "not-runnable") {
      return [`${at}: a ${annotation.kind} annotation on a \`${block.language || "plain"}\` block`];
    }
    if (annotation.kind === "output" && !existsSync(join(ROOT, annotation.file))) {
      return [`${at}: output of ${annotation.file}, which does not exist`];
    }
    return [];
  }
  switch (annotation.kind) {
    case "none":
      return [
        `${at}: a ${block.language} block without <!-- example: examples/docs/<file>.ts --> or <!-- not-runnable: <reason> --> on the line before it`,
      ];
    case "output":
      return [`${at}: an output annotation on a ${block.language} block`];
    case "not-runnable":
      return [];
    case "example": {
      if (!existsSync(join(ROOT, annotation.file))) return [`${at}: ${annotation.file} does not exist`];
      let expected: string;
      try {
        expected = exampleText(ROOT, annotation.file, annotation.region);
      } catch (error) {
        return [`${at}: ${(error as Error).message}`];
      }
      if (expected === block.content) return [];
      const target = annotation.region ? `${annotation.file}#${annotation.region}` : annotation.file;
      return [`${at}: the block differs from ${target} ${firstDifference(block.content, expected)}`];
    }
  }
}

function firstDifference(actual: string, expected: string): string {
  const actualLines = actual.split("\n");
  const expectedLines = expected.split("\n");
  const index = actualLines.findIndex((line, lineIndex) => line !== expectedLines[lineIndex]);
  const line = index < 0 ? actualLines.length : index;
  return `at block line ${line + 1}: README ${JSON.stringify(actualLines[line])}, file ${JSON.stringify(expectedLines[line])}`;
}

/** Each example file once, with where the README shows it and the output block it must print. */
const examples = new Map<string, { shownAt: string; output: string }>();
for (const block of blocks) {
  if (block.annotation.kind === "example" && !examples.has(block.annotation.file)) {
    examples.set(block.annotation.file, { shownAt: `${block.readme}:${block.line}`, output: "" });
  }
}
for (const block of blocks) {
  const entry = block.annotation.kind === "output" ? examples.get(block.annotation.file) : undefined;
  if (entry) entry.output = block.content;
}

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const runFolders: string[] = [];
afterAll(() => {
  for (const folder of runFolders) rmSync(folder, { recursive: true, force: true });
});

describe.concurrent("README examples run as written", () => {
  it("every output block belongs to an example of its README", () => {
    const orphans = blocks
      .filter((block) => block.annotation.kind === "output" && !examples.has(block.annotation.file))
      .map((block) => `${block.readme}:${block.line}`);
    expect(orphans).toEqual([]);
  });

  const mongoUrl = inject("mongoUrl");
  for (const [file, { shownAt, output }] of examples) {
    if (file.endsWith(".test.ts")) continue; // run by vitest itself (vitest.config.ts includes them)
    if (CLI_EXAMPLES[file]) continue; // run through the CLI below
    const needsMongo = /mongo/i.test(file);
    const skipReason = needsMongo && !mongoUrl ? ` (skipped: ${inject("mongoSkipReason")})` : "";
    (skipReason ? it.skip : it)(`${file} (${shownAt}) prints what its README says${skipReason}`, async () => {
      const result = await runExample(join(ROOT, file), runFolder(), {
        BT_MONGO_URL: mongoUrl,
        BT_PG_URL: process.env.BT_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test",
        BT_REDIS_URL: process.env.BT_REDIS_URL ?? "redis://127.0.0.1:6379",
      });
      expect(result, `${file} exited with ${result.code}; stderr:\n${result.stderr}`).toMatchObject({
        code: 0,
      });
      expect(result.stdout).toBe(output);
    });
  }
});

function runExample(path: string, cwd: string, env: Record<string, string>) {
  return runProcess([TSX_CLI, "--conditions=@bt/source", path], cwd, env);
}

/** A fresh folder for one run, where `examples/` is the repository's; removed after the tests. */
function runFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "bt-doctest-"));
  runFolders.push(folder);
  symlinkSync(join(ROOT, "examples"), join(folder, "examples"));
  return folder;
}

describe.concurrent("README examples for the CLI run through the built bt", () => {
  it("each CLI example is shown in a README, shows its command when it says so, and every CLI file is one", () => {
    const problems: string[] = [];
    for (const [file, example] of Object.entries(CLI_EXAMPLES)) {
      const shownAt = examples.get(file)?.shownAt;
      if (!shownAt) {
        problems.push(`${file} is in CLI_EXAMPLES but no README block shows it`);
        continue;
      }
      const readme = shownAt.slice(0, shownAt.lastIndexOf(":"));
      const commands = readmeBlocks(ROOT, readme)
        .filter((block) => block.language === "sh")
        .flatMap((block) => block.content.split("\n").map((line) => line.trim()));
      if (example.shown && !commands.includes(example.command)) {
        problems.push(`${readme} shows no sh line \`${example.command}\` (the command ${file} runs with)`);
      }
    }
    for (const file of examples.keys()) {
      if (!CLI_EXAMPLES[file] && looksLikeCliFile(readFileSync(join(ROOT, file), "utf8"))) {
        problems.push(`${file} is a strategy file or a CLI plug-in: give it a command in cliExamples.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  for (const [file, example] of Object.entries(CLI_EXAMPLES)) {
    const shownAt = examples.get(file)?.shownAt ?? "not shown";
    it(`${file} (${shownAt}): ${example.command}`, async () => {
      expect(existsSync(CLI_BIN), `${CLI_BIN} is missing: build the CLI first`).toBe(true);
      await runCliExample(example, runFolder());
    });
  }
});
