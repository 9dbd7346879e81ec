// The report in a real browser (Debian's chromium through playwright-core): opened from file:// with
// no network, it must draw every chart, hand lightweight-charts exactly 2 markers per trade, sort its
// trade table on a header click, and log no error. Saves test-artifacts/report.{html,png}.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport } from "../src/index";
import { reportFixture } from "./reportFixture";

const CHROMIUM_PATH = process.env.BT_CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "test-artifacts");
const skipBrowser = process.env.BT_SKIP_BROWSER === "1";
const chromiumMissing = !existsSync(CHROMIUM_PATH);
const INSTALL_HINT = `chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (Debian), or set BT_CHROMIUM_PATH; set BT_SKIP_BROWSER=1 to skip this suite on purpose.`;

if (skipBrowser) {
  console.warn(
    `\n!!! report-html browser suite SKIPPED: BT_SKIP_BROWSER=1 (${chromiumMissing ? INSTALL_HINT : "chromium is present"})\n`,
  );
}

interface IPageSummary {
  ready: boolean;
  charts: Array<{ id: string; kind: string; series: number; points: number }>;
  markers: { total: number; perRun: Record<string, number> };
  trades: number;
  tradesCharted: number;
  errors: string[];
}

// Without chromium the run fails with a test of its own (a hook error would not count as a failed test).
describe.skipIf(skipBrowser)("report in chromium: the browser", () => {
  it(`is installed at ${CHROMIUM_PATH}`, () => {
    if (chromiumMissing) throw new Error(`!!! ${INSTALL_HINT}`);
  });
});

describe.skipIf(skipBrowser || chromiumMissing)("report in chromium (file://, offline)", () => {
  const input = reportFixture();
  const tradeCounts = input.runs.map((run) => run.closed.length);
  let context: BrowserContext | undefined;
  let page: Page;
  let userDataDir = "";
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const networkRequests: string[] = [];
  let loadMs = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const htmlPath = join(ARTIFACTS, "report.html");
    writeFileSync(htmlPath, renderHtmlReport(input));
    userDataDir = mkdtempSync(join(tmpdir(), "bt-report-html-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1360, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) networkRequests.push(request.url());
    });
    const started = performance.now();
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    await page.waitForFunction(
      () => (window as unknown as { __btReport?: IPageSummary }).__btReport?.ready === true,
    );
    // Two animation frames: lightweight-charts paints on the next frame after setData.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(null)))),
    );
    loadMs = performance.now() - started;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir !== "") rmSync(userDataDir, { recursive: true, force: true });
  });

  const summary = () => page.evaluate(() => (window as unknown as { __btReport: IPageSummary }).__btReport);

  it("loads with no console error, no page error and no network request", async () => {
    console.info(`report-html: page ready in chromium after ${loadMs.toFixed(0)} ms`);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(networkRequests).toEqual([]);
    expect((await summary()).errors).toEqual([]);
  });

  it("hands lightweight-charts exactly one entry and one exit marker per closed trade", async () => {
    const report = await summary();
    const trades = tradeCounts.reduce((sum, count) => sum + count, 0);
    expect(report.trades).toBe(trades);
    expect(report.tradesCharted).toBe(trades);
    expect(report.markers.total).toBe(2 * trades);
    expect(report.markers.perRun).toEqual({ "run-0": 2 * tradeCounts[0]!, "run-1": 2 * tradeCounts[1]! });
    expect(await page.getAttribute("html", "data-bt-markers")).toBe(String(2 * trades));
  });

  it("draws every chart: each chart container holds canvases with non-background pixels", async () => {
    const report = await summary();
    // 2 runs × (price, equity, drawdown) + portfolio (equity, drawdown) + comparison overlay.
    expect(report.charts.map((chart) => chart.kind).sort()).toEqual(
      [
        "comparison",
        "drawdown",
        "drawdown",
        "drawdown",
        "equity",
        "equity",
        "equity",
        "price",
        "price",
      ].sort(),
    );
    const painted = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>("[data-bt-chart]")).map((element) => {
        let inkPixels = 0;
        for (const canvas of Array.from(element.querySelectorAll("canvas"))) {
          const context2d = canvas.getContext("2d");
          if (context2d === null || canvas.width === 0 || canvas.height === 0) continue;
          const pixels = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let index = 0; index < pixels.length; index += 4) {
            const alpha = pixels[index + 3]!;
            const white = pixels[index]! > 245 && pixels[index + 1]! > 245 && pixels[index + 2]! > 245;
            if (alpha > 0 && !white) inkPixels++;
          }
        }
        return { id: element.id, drawn: element.getAttribute("data-bt-drawn"), inkPixels };
      }),
    );
    expect(painted).toHaveLength(9);
    for (const chart of painted) {
      expect(chart.drawn, chart.id).toBe("true");
      // A chart with only axes has a few thousand; series and candles add far more.
      expect(chart.inkPixels, chart.id).toBeGreaterThan(5_000);
    }
  });

  it("sorts the trade table when a header is clicked (numerically, then reversed)", async () => {
    const column = (index: number) =>
      page.$$eval(
        `#run-0-trades tbody tr`,
        (rows, cellIndex) =>
          rows.map((row) => Number((row as HTMLTableRowElement).cells[cellIndex]!.getAttribute("data-sort"))),
        index,
      );
    const pnlIndex = await page.$$eval("#run-0-trades thead th", (headers) =>
      headers.findIndex((header) => header.textContent?.trim().startsWith("PnL %")),
    );
    expect(pnlIndex).toBeGreaterThan(0);
    const before = await column(pnlIndex);
    const header = page.locator("#run-0-trades thead th").nth(pnlIndex);
    await header.click();
    const ascending = await column(pnlIndex);
    expect(ascending).toEqual([...before].sort((left, right) => left - right));
    expect(ascending).not.toEqual(before);
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    await header.click();
    expect(await column(pnlIndex)).toEqual([...before].sort((left, right) => right - left));
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    // The "#" column sorts as numbers: 10 after 9.
    await page.locator("#run-0-trades thead th").nth(0).click();
    expect(await column(0)).toEqual(
      tradeCounts.slice(0, 1).flatMap((count) => Array.from({ length: count }, (_, index) => index + 1)),
    );
  });

  it("shows N/A with its reason, the failed comparison entry unranked, and saves a full-page screenshot", async () => {
    const naCells = await page.$$eval("#run-0 td.na", (cells) => cells.map((cell) => cell.textContent ?? ""));
    expect(naCells.length).toBeGreaterThan(0);
    for (const text of naCells) expect(text).toMatch(/^N\/A — .+/);
    const failedRow = await page.$eval("#comparison-table tr.failed", (row) => row.textContent ?? "");
    expect(failedRow).toContain("failed: getSignal threw");
    expect(failedRow.startsWith("—")).toBe(true);
    const screenshotPath = join(ARTIFACTS, "report.png");
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(existsSync(screenshotPath)).toBe(true);
  });
});
