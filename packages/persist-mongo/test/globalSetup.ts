// Global setup of the persist-mongo tests: BT_MONGO_URL wins when set (a real MongoDB); otherwise the
// jongodb MongoDB-wire server from @jongodb/memory-server-bin-linux-x64-gnu is started on a free port
// and stopped (SIGTERM) at teardown. Tests get the URL, a server description or a skip reason by inject().

import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** MongoDB URL for the tests, or "" when no server could be provided. */
    mongoUrl: string;
    /** Which server the tests run against (for the banner and the README). */
    mongoServer: string;
    /** Why the Mongo tests are skipped, or "" when they run. */
    mongoSkipReason: string;
  }
}

const JONGODB_PACKAGE = "@jongodb/memory-server-bin-linux-x64-gnu";
const START_TIMEOUT_MS = 10_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env.BT_MONGO_URL;
  if (configured) {
    project.provide("mongoUrl", configured);
    project.provide("mongoServer", "MongoDB at BT_MONGO_URL");
    project.provide("mongoSkipReason", "");
    return undefined;
  }
  let server: { child: ChildProcess; url: string; version: string; logPath: string };
  try {
    server = await startJongodb();
  } catch (error) {
    project.provide("mongoUrl", "");
    project.provide("mongoServer", "none");
    project.provide(
      "mongoSkipReason",
      `no MongoDB server: BT_MONGO_URL is not set and jongodb could not start (${(error as Error).message.split("\n")[0]})`,
    );
    return undefined;
  }
  console.info(`[persist-mongo] jongodb ${server.version} at ${server.url} (log: ${server.logPath})`);
  project.provide("mongoUrl", server.url);
  project.provide("mongoServer", `jongodb ${server.version} (MongoDB wire protocol, in memory)`);
  project.provide("mongoSkipReason", "");
  return () => stop(server.child);
}

async function startJongodb() {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${JONGODB_PACKAGE}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    version: string;
    jongodb?: { binary?: string };
  };
  if (!manifest.jongodb?.binary) throw new Error(`${JONGODB_PACKAGE} has no jongodb.binary field`);
  const binary = join(dirname(manifestPath), manifest.jongodb.binary);
  const logPath = join(tmpdir(), `bt-jongodb-${process.pid}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(binary, ["--host=127.0.0.1", "--port=0"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no JONGODB_URI line within ${START_TIMEOUT_MS} ms (log: ${logPath})`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const uri = /^JONGODB_URI=(\S+)$/m.exec(output)?.[1];
      const failure = /^JONGODB_START_FAILURE=(.*)$/m.exec(output)?.[1];
      if (uri || failure) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        if (uri) resolve(uri);
        else reject(new Error(`jongodb failed to start: ${failure}`));
      }
    };
    child.stdout?.on("data", onData);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited with ${code} before it was ready (log: ${logPath})`));
    });
  });
  return { child, url, version: manifest.version, logPath };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
