// Runs one measurement of run.ts in its own child process (so its peak RSS and its JIT are its own) and
// returns the one message the child sends.

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUN_FILE = fileURLToPath(new URL("./run.ts", import.meta.url));
/** The compiled run.ts children run instead (compiledHarness.ts), or undefined: run.ts under the parent's loaders. */
let compiledRunFile: string | undefined;

/** Makes every later child run `path` (a compiled run.ts) with no loader flags; undefined restores run.ts. */
export function useCompiledHarness(path: string | undefined): void {
  compiledRunFile = path;
}

/**
 * Forks run.ts with `--child <measurement> …args` under the parent's loaders (tsx) plus `extraExecArgv`,
 * or the compiled harness (useCompiledHarness) with `extraExecArgv` only.
 * @throws Error when the child exits non-zero or sends nothing.
 */
export function runChild<T>(
  measurement: string,
  args: string[] = [],
  extraExecArgv: string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const file = compiledRunFile ?? RUN_FILE;
    const child = fork(file, ["--child", measurement, ...args], {
      execArgv: compiledRunFile === undefined ? [...process.execArgv, ...extraExecArgv] : extraExecArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: T | undefined;
    child.on("message", (message) => {
      result = message as T;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`bench child ${measurement} exited with code ${code}`));
    });
  });
}
