// `bt init <dir>`: scaffolds a portable project: the example SMA strategy and walker, a copy of the
// bundled BTCUSDT sample candles, a package.json that depends on @bt/cli, @bt/engine and @bt/core (by
// version, or by relative path to tarballs with --packages / BT_INIT_PACKAGES) and whose scripts call
// `bt` from node_modules/.bin, a tsconfig, and a README. No absolute path is written anywhere.

import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { bundledAssets } from "../bundledAssets";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { cliVersion } from "../cliVersion";
import { type IParsedArgs, stringOption } from "../parsedArgs";

const SAMPLE_FILE = "BTCUSDT-1m-2025-01.csv.gz";
const STRATEGY_FILES = ["smaCrossover.ts", "smaWalker.ts"];

/** The packages a scaffolded project depends on (the strategy files import them; @bt/cli is the bin). */
export const PROJECT_DEPENDENCIES = ["@bt/cli", "@bt/engine", "@bt/core"] as const;

/** The version specs of a project's bt packages and, from tarballs, the overrides that pin every @bt/* to them. */
export interface IProjectDependencies {
  dependencies: Record<string, string>;
  overrides: Record<string, string> | undefined;
}

// `pnpm pack` names a tarball after the package: @bt/exchange-file 0.1.0 → bt-exchange-file-0.1.0.tgz.
const TARBALL = /^bt-([a-z0-9-]+?)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.tgz$/;

/**
 * The dependencies of a project in `projectDir`: `^version` from the registry, or, with `packagesDir`, the
 * tarballs found there by relative `file:` path (overrides make every @bt/* package, direct or not, come
 * from its tarball).
 * @throws CliError (exit 2) when the folder is missing or lacks a tarball of @bt/cli, @bt/engine or @bt/core.
 */
export function projectDependencies(
  projectDir: string,
  version: string,
  packagesDir: string | undefined,
  flag: string,
): IProjectDependencies {
  if (packagesDir === undefined) {
    return {
      dependencies: Object.fromEntries(PROJECT_DEPENDENCIES.map((name) => [name, `^${version}`])),
      overrides: undefined,
    };
  }
  if (!existsSync(packagesDir)) {
    throw badInput(
      `${flag} ${packagesDir}: folder not found`,
      "pass the folder `pnpm pack` wrote the bt tarballs to",
    );
  }
  const found: Record<string, string> = {};
  for (const name of readdirSync(packagesDir).sort()) {
    const match = TARBALL.exec(name);
    if (match === null) continue;
    const spec = relative(projectDir, join(packagesDir, name)).split(sep).join("/");
    found[`@bt/${match[1]}`] = `file:${spec.startsWith(".") ? spec : `./${spec}`}`;
  }
  const missing = PROJECT_DEPENDENCIES.filter((name) => found[name] === undefined);
  if (missing.length > 0) {
    throw badInput(
      `${flag} ${packagesDir} has no tarball of ${missing.join(", ")}`,
      "run `pnpm pack` in each bt package (and its @bt/* dependencies) into that folder",
    );
  }
  return {
    dependencies: Object.fromEntries(PROJECT_DEPENDENCIES.map((name) => [name, found[name] as string])),
    overrides: found,
  };
}

function packageJson(name: string, dependencies: IProjectDependencies): string {
  const manifest = {
    name,
    private: true,
    type: "module",
    scripts: {
      backtest: "bt backtest strategies/smaCrossover.ts --symbol BTCUSDT --data data --dump dump",
      walker: "bt walker strategies/smaWalker.ts --symbol BTCUSDT --data data --dump dump",
      report: "bt report dump",
      bt: "bt",
    },
    dependencies: dependencies.dependencies,
    ...(dependencies.overrides === undefined ? {} : { overrides: dependencies.overrides }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function tsconfigJson(): string {
  // The @bt/* types come from the project's own node_modules: nothing points outside the folder.
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
    },
    include: ["strategies"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function readme(name: string): string {
  return `# ${name}

A bt project: strategies are TypeScript files that \`bt\` runs directly (no build step). It depends on
\`@bt/cli\`, \`@bt/engine\` and \`@bt/core\` (ES modules only: \`"type": "module"\` in package.json).

\`\`\`sh
npm install
npm run backtest   # SMA crossover on data/ (synthetic BTCUSDT candles, January 2025)
npm run walker     # compare the parameterisations in strategies/smaWalker.ts
npm run report     # re-render the reports saved in dump/
npx bt --help
\`\`\`

- A strategy file default-exports a strategy: \`{ strategyName, interval, getSignal }\` (\`IStrategySchema\` from
  \`@bt/core\`); \`getSignal\` uses \`getCandles\` / \`getAveragePrice\` from \`@bt/engine\`, which only ever see
  closed candles before the current time.
- A walker file default-exports \`{ walkerName, metric, strategies: [...] }\` (\`IWalkerFile\` from \`@bt/cli\`).
- The candles in data/ are **synthetic**: never draw conclusions about real markets from them. Real data:
  \`npx bt backtest strategies/smaCrossover.ts --exchange binance --symbol BTCUSDT --from 2024-06-01 --to 2024-07-01\`.
`;
}

/** Quotes a path for sh when it holds anything besides letters, digits and ./_- . */
export function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** Runs `bt init` with its parsed arguments; returns the exit code. */
export async function runInitCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  const target = args.positionals[0];
  if (target === undefined || args.positionals.length > 1)
    throw badInput("expected one target folder", "bt init <dir>");
  const dir = resolve(io.cwd, target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw badInput(`${dir} is not empty`, "bt init needs a new or empty folder");
  }
  const packagesOption = stringOption(args, "packages");
  const packagesText = packagesOption ?? io.env.BT_INIT_PACKAGES;
  const dependencies = projectDependencies(
    dir,
    cliVersion(),
    packagesText === undefined || packagesText === "" ? undefined : resolve(io.cwd, packagesText),
    packagesOption === undefined ? "BT_INIT_PACKAGES" : "--packages",
  );
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
  await writeFile(join(dir, "package.json"), packageJson(name, dependencies));
  await writeFile(join(dir, "tsconfig.json"), tsconfigJson());
  await writeFile(join(dir, "README.md"), readme(name));
  await writeFile(join(dir, ".gitignore"), "node_modules\n.bt-data\ndump\n");
  const shown = relative(io.cwd, dir) || ".";
  const cd = shown === "." ? "" : `cd ${shellQuote(shown)} && `;
  io.stdout.write(`Created a bt project in ${dir}\n\nRun it:\n  ${cd}npm install && npm run backtest\n`);
  return 0;
}
