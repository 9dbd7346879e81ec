// The process surface a command talks to: output streams, whether stderr is a terminal, the working
// directory and the environment. runCli takes one so tests can run commands in-process.

/** A text sink such as process.stdout. */
export interface ITextSink {
  write(text: string): unknown;
}

/** Streams, terminal flag, working directory and environment of one CLI invocation. */
export interface ICliIo {
  stdout: ITextSink;
  stderr: ITextSink;
  /** True when stderr is a terminal: progress is drawn as a bar, otherwise as periodic plain lines. */
  stderrIsTty: boolean;
  /** Terminal width in columns (default 80). */
  columns: number;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Also told every progress update (`done` of `total` units of `label`), e.g. `bt mcp`'s progress notifications. */
  onProgress?: (label: string, done: number, total: number) => void;
}

/** The ICliIo of the current process. */
export function processIo(): ICliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTty: process.stderr.isTTY === true,
    columns: process.stderr.columns ?? 80,
    cwd: process.cwd(),
    env: process.env,
  };
}
