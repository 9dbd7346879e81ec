// Where the CLI finds what it ships with: the sample candles and the example strategy used by
// `bt init`. A built CLI carries copies in dist/assets; from the repository they are in examples/.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Paths of the bundled sample data folder and example strategies folder. */
export interface IBundledAssets {
  /** Folder with BTCUSDT-1m-2025-01.csv.gz and ETHUSDT-1m-2025-01.csv.gz (synthetic). */
  dataDir: string;
  /** Folder with smaCrossover.ts and smaWalker.ts. */
  strategiesDir: string;
}

/** Locates the bundled assets: dist/assets next to the built CLI, else the repository's examples/. */
export function bundledAssets(): IBundledAssets {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, "assets");
  if (existsSync(join(built, "data"))) {
    return { dataDir: join(built, "data"), strategiesDir: join(built, "strategies") };
  }
  // Running from source (src/) or an unusual layout: walk up to the repository's examples/ folder.
  let directory = here;
  for (let depth = 0; depth < 6; depth++) {
    const examples = join(directory, "examples");
    if (existsSync(join(examples, "data"))) {
      return { dataDir: join(examples, "data"), strategiesDir: join(examples, "strategies") };
    }
    directory = dirname(directory);
  }
  return { dataDir: built, strategiesDir: join(here, "assets", "strategies") };
}
