// TradingView's lightweight-charts (Apache-2.0), its standalone production build read once from the
// installed package, so the report embeds it and works offline with no CDN. The build starts with its
// own license comment, which the page keeps.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { BtError } from "@bt/core";

/** The embedded library's script text and version. */
export interface IChartLibrary {
  script: string;
  version: string;
}

let cached: IChartLibrary | undefined;

/**
 * The standalone build (defines `window.LightweightCharts`), read on first use and kept.
 * @throws BtError CONFIG when the lightweight-charts package or its standalone build is missing.
 */
export function chartLibrary(): IChartLibrary {
  if (cached !== undefined) return cached;
  try {
    // Its exports map only opens "./package.json": the build file is found next to it.
    const manifestPath = createRequire(import.meta.url).resolve("lightweight-charts/package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string };
    const script = readFileSync(
      join(dirname(manifestPath), "dist", "lightweight-charts.standalone.production.js"),
      "utf8",
    );
    cached = { script, version: manifest.version };
    return cached;
  } catch (error) {
    throw new BtError(
      "CONFIG",
      "report-html: cannot read lightweight-charts' standalone build (is the lightweight-charts package installed?)",
      { field: "lightweight-charts", cause: error },
    );
  }
}
