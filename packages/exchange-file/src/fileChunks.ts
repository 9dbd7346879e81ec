// Streams a file as byte chunks, gunzipping on the fly when it is gzip (by option, .gz extension or the
// gzip magic bytes), so a large file is never held whole in memory.

import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";

const CHUNK_BYTES = 1 << 20;

/** True when the file starts with the gzip magic bytes 1f 8b. */
async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const header = Buffer.alloc(2);
    const { bytesRead } = await handle.read(header, 0, 2, 0);
    return bytesRead === 2 && header[0] === 0x1f && header[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Byte chunks (~1 MiB) of the file's content, decompressed when `gzip` is true or detected. */
export async function* fileChunks(path: string, gzip?: boolean): AsyncGenerator<Buffer> {
  const compressed = gzip ?? (path.toLowerCase().endsWith(".gz") || (await hasGzipMagic(path)));
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  if (!compressed) {
    yield* raw as AsyncIterable<Buffer>;
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on("error", (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  yield* gunzip as AsyncIterable<Buffer>;
}

/** The whole (decompressed) content of a file as UTF-8 text; for formats that need the full document. */
export async function readFileText(path: string, gzip?: boolean): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of fileChunks(path, gzip)) parts.push(chunk);
  return Buffer.concat(parts).toString("utf8");
}
