import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFsPersist, keyToFileName } from "@bt/persist-fs";
import { afterAll, describe, expect, it } from "vitest";
import { CRASH_KEY, crashValue } from "./fixtures/crashValues";

const KILLS = 24;
const LANES = 2;
const MAX_KILL_DELAY_MS = 200;
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const childScript = join(packageDir, "test", "fixtures", "rewriteLoop.ts");
const scratch = mkdtempSync(join(tmpdir(), "bt-persist-fs-crash-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** tsx runs the TypeScript child without a build; it is reachable through vitest's own install. */
function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  for (const resolveFrom of [
    () => require.resolve("tsx"),
    () => createRequire(require.resolve("vitest/package.json")).resolve("tsx"),
  ]) {
    try {
      return pathToFileURL(resolveFrom()).href;
    } catch {}
  }
  throw new Error("persist-fs crash test: cannot resolve tsx to run the child process");
}

interface IChildRun {
  /** Highest round the child reported as committed before it died. */
  lastCommitted: number;
}

/** Starts the child, waits for its first committed round, kills it `delayMs` later. */
function runChild(dir: string, firstRound: number, loader: string, delayMs: number): Promise<IChildRun> {
  const args = ["--conditions", "@bt/source", "--import", loader, childScript, dir, String(firstRound)];
  const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  let lastCommitted = -1;
  let killed = false;
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
      for (const match of stdout.matchAll(/committed (\d+)\n/g)) lastCommitted = Number(match[1]);
      stdout = stdout.slice(stdout.lastIndexOf("\n") + 1);
      if (lastCommitted >= firstRound && !killed) {
        killed = true;
        clearTimeout(startTimer);
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(startTimer);
      if (signal === "SIGKILL" && killed) resolve({ lastCommitted });
      else reject(new Error(`child ended without committing (code ${code}, ${signal}); stderr: ${stderr}`));
    });
  });
}

interface ILaneFigures {
  kills: number;
  oldRecord: number;
  newRecord: number;
  tempFilesLeft: number;
}

async function runLane(lane: number, kills: number, loader: string): Promise<ILaneFigures> {
  const dir = mkdtempSync(join(scratch, `lane-${lane}-`));
  const figures: ILaneFigures = { kills: 0, oldRecord: 0, newRecord: 0, tempFilesLeft: 0 };
  const recordPath = join(dir, "v2", "position", keyToFileName(CRASH_KEY));
  let nextRound = 0;
  for (let kill = 0; kill < kills; kill++) {
    const { lastCommitted } = await runChild(dir, nextRound, loader, Math.random() * MAX_KILL_DELAY_MS);
    figures.kills++;

    // The raw file, before any recovery: a whole envelope of the last committed round or of the one
    // in flight when the kill came (old or new), never a torn or older one.
    const raw = JSON.parse(readFileSync(recordPath, "utf8"));
    expect(raw.key).toBe(CRASH_KEY);
    expect([lastCommitted, lastCommitted + 1]).toContain(raw.value.round);
    expect(raw.value).toEqual(crashValue(raw.value.round));
    if (raw.value.round === lastCommitted) figures.oldRecord++;
    else figures.newRecord++;
    figures.tempFilesLeft += readdirSync(join(dir, "v2", "position")).filter((name) =>
      name.startsWith(".tmp-"),
    ).length;

    // Recovery through the adapter: same value, temp files gone, nothing quarantined.
    const persist = createFsPersist({ dir, onWarning: (message) => expect.fail(message) });
    await persist.waitForInit();
    expect(await persist.read("position", CRASH_KEY)).toEqual(raw.value);
    expect(persist.corruptions()).toEqual([]);
    expect(await persist.list("position")).toEqual([CRASH_KEY]);
    expect(readdirSync(join(dir, "v2", "position"))).toEqual([keyToFileName(CRASH_KEY)]);
    await persist.dispose();
    nextRound = raw.value.round + 1;
  }
  return figures;
}

describe("fs adapter under SIGKILL", () => {
  it(`a writer killed ${KILLS} times at random moments always leaves the old or the new record`, async () => {
    const loader = tsxLoaderUrl();
    const lanes = await Promise.all(
      Array.from({ length: LANES }, (_, lane) => runLane(lane, KILLS / LANES, loader)),
    );
    const total = lanes.reduce(
      (sum, lane) => ({
        kills: sum.kills + lane.kills,
        oldRecord: sum.oldRecord + lane.oldRecord,
        newRecord: sum.newRecord + lane.newRecord,
        tempFilesLeft: sum.tempFilesLeft + lane.tempFilesLeft,
      }),
      { kills: 0, oldRecord: 0, newRecord: 0, tempFilesLeft: 0 },
    );
    console.info(
      `[persist-fs] SIGKILL test: ${total.kills} kills survived; the record was the last committed round ${total.oldRecord}×, the round in flight ${total.newRecord}×; ${total.tempFilesLeft} interrupted temp files removed on restart`,
    );
    expect(total.kills).toBe(KILLS);
  }, 120_000);
});
