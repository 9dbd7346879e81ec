// `bt init <dir>`: scaffolds a project that runs at once and offline: the example SMA strategy and
// walker, a copy of the bundled BTCUSDT sample candles, a package.json whose scripts call this very
// bt binary, a tsconfig mapping @bt/* to this CLI's type definitions, and a README.

import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundledAssets } from "../bundledAssets";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { parseCommandArgs } from "../parseCommandArgs";

/** Help text of `bt init`. */
export const INIT_HELP = `Usage: bt init <dir>

Creates a bt project in <dir> (new or empty): strategies/smaCrossover.ts (an SMA crossover with
TP/SL), strategies/smaWalker.ts (compares parameterisations), data/ (synthetic BTCUSDT candles,
January 2025), package.json scripts that call this bt, and a README. Needs no network.

Options:
      --verbose   print stacks of errors
  -h, --help      show this help

Examples:
  bt init my-strategies && cd my-strategies && npm run backtest
`;

const INIT_SPECS = { verbose: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

const SAMPLE_FILE = "BTCUSDT-1m-2025-01.csv.gz";
const STRATEGY_FILES = ["smaCrossover.ts", "smaWalker.ts"];

/** The bt executable scripts should call: dist/bin.js next to this module, else the running script. */
export function cliBinPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "bin.js"), join(here, "..", "bin.js"), join(here, "..", "dist", "bin.js")];
  return candidates.find((path) => existsSync(path)) ?? resolve(process.argv[1] ?? "bt");
}

function packageJson(name: string, binPath: string): string {
  const bt = `node ${JSON.stringify(binPath)}`;
  const manifest = {
    name,
    private: true,
    type: "module",
    scripts: {
      backtest: `${bt} backtest strategies/smaCrossover.ts --symbol BTCUSDT --data data --dump dump`,
      walker: `${bt} walker strategies/smaWalker.ts --symbol BTCUSDT --data data --dump dump`,
      report: `${bt} report dump`,
      bt,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

// The packages a strategy or walker file imports, typed in the editor from this CLI's installation.
const EDITOR_TYPED_PACKAGES = [
  "@bt/core",
  "@bt/context",
  "@bt/engine",
  "@bt/report-markdown",
  "@bt/cli",
] as const;

function tsconfigJson(): string {
  // Editor types without installing anything: @bt/* map to the declaration files of this CLI's packages.
  const paths: Record<string, string[]> = {};
  for (const name of EDITOR_TYPED_PACKAGES) {
    let url: string;
    try {
      url = import.meta.resolve(name);
    } catch {
      continue; // Not resolvable next to the CLI (e.g. running from source): no mapping.
    }
    if (url.startsWith("file:") && url.endsWith(".js"))
      paths[name] = [fileURLToPath(url).replace(/\.js$/, ".d.ts")];
  }
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      paths,
    },
    include: ["strategies"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function readme(name: string): string {
  return `# ${name}

A bt project: strategies are TypeScript files that \`bt\` runs directly (no build step).

\`\`\`sh
npm run backtest   # SMA crossover on data/ (synthetic BTCUSDT candles, January 2025)
npm run walker     # compare the parameterisations in strategies/smaWalker.ts
npm run report     # re-render the reports saved in dump/
npm run bt -- --help
\`\`\`

- A strategy file default-exports a strategy: \`{ strategyName, interval, getSignal }\` (\`IStrategySchema\` from
  \`@bt/core\`); \`getSignal\` uses \`getCandles\` / \`getAveragePrice\` from \`@bt/engine\`, which only ever see
  closed candles before the current time.
- A walker file default-exports \`{ walkerName, metric, strategies: [...] }\` (\`IWalkerFile\` from \`@bt/cli\`).
- \`@bt/*\` imports are served by the bt that runs the file; \`tsconfig.json\` points your editor at its types.
- The candles in data/ are **synthetic**: never draw conclusions about real markets from them. Real data:
  \`bt backtest strategies/smaCrossover.ts --exchange binance --symbol BTCUSDT --from 2024-06-01 --to 2024-07-01\`.
`;
}

/** Quotes a path for sh when it holds anything besides letters, digits and ./_- . */
export function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** Runs `bt init`; returns the exit code. */
export async function runInitCommand(argv: string[], io: ICliIo): Promise<number> {
  const args = parseCommandArgs("init", argv, INIT_SPECS);
  if (args.values.help === true) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  const target = args.positionals[0];
  if (target === undefined || args.positionals.length > 1)
    throw badInput("expected one target folder", "bt init <dir>");
  const dir = resolve(io.cwd, target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw badInput(`${dir} is not empty`, "bt init needs a new or empty folder");
  }
  const assets = bundledAssets();
  const sources = [
    join(assets.dataDir, SAMPLE_FILE),
    ...STRATEGY_FILES.map((file) => join(assets.strategiesDir, file)),
  ];
  const missing = sources.find((path) => !existsSync(path));
  if (missing !== undefined) {
    throw badInput(`this bt installation lacks its bundled file ${missing}`, "reinstall @bt/cli");
  }
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-") || "bt-project";
  await mkdir(join(dir, "strategies"), { recursive: true });
  await mkdir(join(dir, "data"), { recursive: true });
  await copyFile(join(assets.dataDir, SAMPLE_FILE), join(dir, "data", SAMPLE_FILE));
  for (const file of STRATEGY_FILES)
    await copyFile(join(assets.strategiesDir, file), join(dir, "strategies", file));
  await writeFile(join(dir, "package.json"), packageJson(name, cliBinPath()));
  await writeFile(join(dir, "tsconfig.json"), tsconfigJson());
  await writeFile(join(dir, "README.md"), readme(name));
  await writeFile(join(dir, ".gitignore"), ".bt-data\ndump\n");
  const shown = relative(io.cwd, dir) || ".";
  const cd = shown === "." ? "" : `cd ${shellQuote(shown)} && `;
  io.stdout.write(`Created a bt project in ${dir}\n\nRun it:\n  ${cd}npm run backtest\n`);
  return 0;
}
