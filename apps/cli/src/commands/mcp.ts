// `bt mcp [--root <dir>]`: serves bt's read-only research tools (backtest, walker, sweep, report) to an
// MCP client over stdio until the client closes stdin. stdout carries the protocol only: everything
// else that writes to it (a strategy's console, a worker thread's output) is sent to stderr meanwhile.

import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { badInput } from "../cliError";
import type { ICliIo } from "../cliIo";
import { redirectConsoleToStderr } from "../consoleToStderr";
import { type IParsedArgs, stringOption } from "../parsedArgs";

/** The root of `bt mcp`: --root resolved against the working directory, an existing folder. */
function resolveRoot(args: IParsedArgs, io: ICliIo): string {
  const text = stringOption(args, "root");
  const root = resolve(io.cwd, text ?? ".");
  let isFolder = false;
  try {
    isFolder = statSync(root).isDirectory();
  } catch {
    // Missing: reported below.
  }
  if (!isFolder) throw badInput(`bad --root ${JSON.stringify(text)}: ${root} is not a folder`);
  return root;
}

/** Runs `bt mcp` until the client disconnects; returns the exit code. */
export async function runMcpCommand(args: IParsedArgs, io: ICliIo): Promise<number> {
  if (args.positionals.length > 0) {
    throw badInput(
      `bt mcp takes no arguments (got ${JSON.stringify(args.positionals[0])})`,
      "bt mcp [--root <dir>]",
    );
  }
  const root = resolveRoot(args, io);
  const [{ StdioServerTransport }, { createBtMcpServer }] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/stdio.js"),
    import("../mcpServer"),
  ]);
  // The protocol writes through the real stdout; every other write to process.stdout goes to stderr.
  const stdout = process.stdout;
  const originalWrite = stdout.write;
  const protocolWrite = originalWrite.bind(stdout);
  const protocol = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      protocolWrite(chunk, (error) => callback(error ?? null));
    },
  });
  stdout.write = ((chunk: Uint8Array | string, ...rest: unknown[]) =>
    (process.stderr.write as (chunk: Uint8Array | string, ...rest: unknown[]) => boolean)(
      chunk,
      ...rest,
    )) as typeof stdout.write;
  const restoreConsole = redirectConsoleToStderr(io.stderr);
  const server = createBtMcpServer({ root, stderr: io.stderr, env: io.env });
  const transport = new StdioServerTransport(process.stdin, protocol);
  try {
    const closed = new Promise<void>((resolveClosed) => {
      transport.onclose = () => resolveClosed();
      process.stdin.once("end", () => resolveClosed());
    });
    await server.connect(transport);
    io.stderr.write(
      `bt mcp: serving backtest, walker, sweep and report (read-only) on stdio, root ${root}\n`,
    );
    await closed;
    await server.close();
  } finally {
    restoreConsole();
    stdout.write = originalWrite;
  }
  return 0;
}
