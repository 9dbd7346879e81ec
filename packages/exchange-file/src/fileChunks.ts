// Streams a file as byte chunks, gunzipping on the fly when it is gzip (by option, .gz extension or the
// gzip magic bytes), so a large file is never held whole in memory.

import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
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

/** True when the file is read as gzip: `gzip` when given, else by .gz extension or magic bytes. */
async function isGzip(path: string, gzip: boolean | undefined): Promise<boolean> {
  return gzip ?? (path.toLowerCase().endsWith(".gz") || (await hasGzipMagic(path)));
}

/**
 * About how many bytes fileChunks will yield, for sizing buffers once: the file size, or for gzip the
 * trailer's ISIZE (the uncompressed size mod 2^32 of the last member, so wrong above 4 GiB or for several
 * members: callers must cope with more). Undefined when unknown (not a regular file, no plausible trailer).
 */
export async function estimateContentBytes(path: string, gzip?: boolean): Promise<number | undefined> {
  const { size } = await stat(path);
  if (size === 0) return undefined;
  if (!(await isGzip(path, gzip))) return size;
  if (size < 18) return undefined;
  const handle = await open(path, "r");
  try {
    const trailer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(trailer, 0, 4, size - 4);
    const isize = bytesRead === 4 ? trailer.readUInt32LE(0) : 0;
    // Text compresses: an ISIZE below the compressed size means it wrapped (or is no ISIZE at all).
    return isize >= size ? isize : undefined;
  } finally {
    await handle.close();
  }
}

/** Byte chunks (~1 MiB) of the file's content, decompressed when `gzip` is true or detected. */
export async function* fileChunks(path: string, gzip?: boolean): AsyncGenerator<Buffer> {
  const compressed = await isGzip(path, gzip);
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
