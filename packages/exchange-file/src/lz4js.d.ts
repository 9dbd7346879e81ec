// Types of the part of lz4js (a CommonJS package without types) that the feather reader uses.
declare module "lz4js" {
  /** Decompresses an LZ4 frame. */
  export function decompress(data: Uint8Array, maxSize?: number): Uint8Array;
  /** Compresses to an LZ4 frame. */
  export function compress(data: Uint8Array, maxSize?: number): Uint8Array;
}
