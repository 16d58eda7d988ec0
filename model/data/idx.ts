/**
 * Reader for the IDX format (the format of MNIST and Fashion-MNIST), gzip-compressed or not.
 *
 * An IDX file is big-endian: a 4-byte magic number `00 00 TT DD` where TT is the element type
 * (only 0x08, unsigned byte, is supported here) and DD the number of dimensions, then DD uint32
 * sizes, then the elements. Images are 0x00000803 (N x rows x cols), labels 0x00000801 (N).
 *
 * Everything is checked: the magic number, the dimensions, and that the byte length is exactly
 * header + product(dims) (a truncated file or trailing bytes are errors naming the file, the
 * expected and the actual length), so a damaged file can never become a silently short dataset.
 *
 * Node-only (fs, zlib, crypto): this lives in model/, never in engine/.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

export const IDX_MAGIC_IMAGES = 0x00000803;
export const IDX_MAGIC_LABELS = 0x00000801;
export const IDX_DTYPE_UBYTE = 0x08;

export interface IdxArray {
  /** The magic number read from the file (0x00000803 for images, 0x00000801 for labels). */
  magic: number;
  /** Dimensions as declared in the header, except dims[0] is reduced to `count` when a limit applied. */
  dims: number[];
  /** Number of items (dims[0]) actually returned. */
  count: number;
  /** Number of items the header declares (the whole file). */
  declaredCount: number;
  /** Bytes per item: product of dims[1..]. */
  itemSize: number;
  /** The first count*itemSize elements (a view into the decompressed buffer, no copy). */
  data: Uint8Array;
}

export interface IdxExpectation {
  /** Required magic number, e.g. IDX_MAGIC_IMAGES. */
  magic?: number;
  /** Required dimensions; null means any size for that axis (e.g. [null, 28, 28]). */
  dims?: ReadonlyArray<number | null>;
}

export interface ParseIdxOptions {
  /** Name used in every error message (usually the file path). */
  name?: string;
  expect?: IdxExpectation;
  /**
   * Return only the first `limit` items. The bytes must still be complete unless `partial` is
   * set, in which case `bytes` may be a prefix of the file holding at least `limit` items.
   */
  limit?: number;
  /** `bytes` is a known prefix of a verified file (used by the cheap `limit` path). */
  partial?: boolean;
}

const hex8 = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

function describeMagic(magic: number): string {
  if (magic === IDX_MAGIC_IMAGES) return `${hex8(magic)} (IDX ubyte, 3 dims: images)`;
  if (magic === IDX_MAGIC_LABELS) return `${hex8(magic)} (IDX ubyte, 1 dim: labels)`;
  return hex8(magic);
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decompresses when the bytes are gzip (by magic bytes, not file name); returns them unchanged otherwise. */
export function gunzipIfNeeded(bytes: Uint8Array, name = '<buffer>'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (e) {
    throw new Error(`${name}: cannot decompress gzip data (${(e as Error).message}); the file is truncated or corrupted`);
  }
}

/**
 * Decompresses just enough of a gzip stream to yield at least `wanted` bytes (or the whole
 * stream if it is shorter), feeding growing prefixes of the compressed data with a sync flush,
 * so that the first K items of a 26 MB file cost a few kilobytes of inflating.
 */
export function gunzipPrefix(bytes: Uint8Array, wanted: number, name = '<buffer>'): Uint8Array {
  let take = Math.min(bytes.length, Math.max(4096, wanted + 1024));
  for (;;) {
    let out: Uint8Array;
    try {
      out = new Uint8Array(gunzipSync(bytes.subarray(0, take), { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
    } catch (e) {
      throw new Error(`${name}: cannot decompress gzip data (${(e as Error).message}); the file is corrupted`);
    }
    if (out.length >= wanted || take >= bytes.length) return out;
    take = Math.min(bytes.length, take * 2);
  }
}

/** Reads the header; returns magic, dims and header length. Throws on a malformed header. */
export function parseIdxHeader(bytes: Uint8Array, name = '<buffer>'): { magic: number; dims: number[]; headerBytes: number } {
  if (bytes.length < 4) {
    throw new Error(`${name}: too short for an IDX header: ${bytes.length} bytes, expected at least 4 (magic number)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: bad magic number ${hex8(magic)}: an IDX file starts with two zero bytes (not an IDX file?)`);
  }
  const dtype = bytes[2]!;
  const ndims = bytes[3]!;
  if (dtype !== IDX_DTYPE_UBYTE) {
    throw new Error(`${name}: bad magic number ${hex8(magic)}: element type 0x${dtype.toString(16).padStart(2, '0')} is not supported, only 0x08 (unsigned byte)`);
  }
  if (ndims < 1) throw new Error(`${name}: bad magic number ${hex8(magic)}: zero dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated header: ${ndims} dimensions need ${headerBytes} header bytes, got ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { magic, dims, headerBytes };
}

/** Parses IDX bytes (already decompressed), checking magic, dims and exact length. */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const name = options.name ?? '<buffer>';
  const { magic, dims, headerBytes } = parseIdxHeader(bytes, name);
  const expect = options.expect;
  if (expect?.magic !== undefined && magic !== expect.magic) {
    throw new Error(`${name}: bad magic number ${describeMagic(magic)}, expected ${describeMagic(expect.magic)}`);
  }
  if (expect?.dims) {
    const want = expect.dims;
    const ok = want.length === dims.length && want.every((d, i) => d === null || d === dims[i]);
    if (!ok) {
      const fmt = want.map((d) => (d === null ? 'N' : String(d))).join(' x ');
      throw new Error(`${name}: bad dimensions ${dims.join(' x ')}, expected ${fmt}`);
    }
  }
  const declaredCount = dims[0]!;
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + declaredCount * itemSize;
  const actualBytes = bytes.length;
  const what = `header declares ${declaredCount} items of ${itemSize} byte${itemSize === 1 ? '' : 's'} (dims ${dims.join(' x ')})`;
  if (!options.partial) {
    if (actualBytes < expectedBytes) {
      const whole = Math.floor((actualBytes - headerBytes) / Math.max(1, itemSize));
      throw new Error(
        `${name}: truncated: ${what}, so expected ${expectedBytes} bytes, but the content is ${actualBytes} bytes ` +
          `(only ${whole} whole item${whole === 1 ? '' : 's'}, ${expectedBytes - actualBytes} bytes missing)`,
      );
    }
    if (actualBytes > expectedBytes) {
      throw new Error(
        `${name}: trailing garbage: ${what}, so expected ${expectedBytes} bytes, but the content is ${actualBytes} bytes ` +
          `(${actualBytes - expectedBytes} extra bytes)`,
      );
    }
  }
  let count = declaredCount;
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 0) throw new Error(`${name}: limit must be a non-negative integer, got ${options.limit}`);
    count = Math.min(declaredCount, options.limit);
  }
  const needed = headerBytes + count * itemSize;
  if (actualBytes < needed) {
    // Only reachable with `partial`: the prefix handed in is shorter than the items asked for.
    throw new Error(`${name}: truncated: ${what}; ${count} items need ${needed} bytes, but the content is ${actualBytes} bytes`);
  }
  return {
    magic,
    dims: [count, ...dims.slice(1)],
    count,
    declaredCount,
    itemSize,
    data: bytes.subarray(headerBytes, needed),
  };
}

export interface ReadIdxOptions {
  expect?: IdxExpectation;
  limit?: number;
  /**
   * Accepted SHA-256 digests (hex). The file is accepted when the digest of its raw bytes OR of
   * its uncompressed content is in the list (Debian's copies differ from the official .gz in
   * their gzip headers only, so only their uncompressed content matches).
   */
  sha256?: readonly string[];
}

export interface ReadIdxResult extends IdxArray {
  path: string;
  gzip: boolean;
  /** SHA-256 of the raw file bytes. */
  fileSha256: string;
  /** SHA-256 of the uncompressed content; undefined when it was not needed (limit with a matching .gz digest). */
  contentSha256?: string;
}

/**
 * Reads and checks an IDX file (gzip detected by magic bytes). The whole content is decompressed,
 * its structure checked (magic, dims, exact length), then, with `sha256`, its checksum; the first
 * `limit` items are returned. Fast path: with `limit`, when the raw file's digest is accepted
 * (an official .gz), the content is known good and only the needed prefix is inflated.
 */
export function readIdxFile(path: string, options: ReadIdxOptions = {}): ReadIdxResult {
  const raw = new Uint8Array(readFileSync(path));
  const gzip = isGzip(raw);
  const fileSha256 = sha256Hex(raw);
  const accepted = options.sha256;
  const rawMatches = accepted !== undefined && accepted.includes(fileSha256);

  if (options.limit !== undefined && gzip && rawMatches) {
    const header = parseIdxHeader(gunzipPrefix(raw, 4 + 4 * 4, path), path);
    const itemSize = header.dims.slice(1).reduce((a, b) => a * b, 1);
    const count = Math.min(header.dims[0]!, Math.max(0, options.limit));
    const content = gunzipPrefix(raw, header.headerBytes + count * itemSize, path);
    return { ...parseIdx(content, { name: path, expect: options.expect, limit: options.limit, partial: true }), path, gzip, fileSha256 };
  }

  const content = gunzipIfNeeded(raw, path);
  // Structure first (its errors say what is wrong: truncated, wrong magic...), then the checksum.
  const parsed = parseIdx(content, { name: path, expect: options.expect, limit: options.limit });
  const contentSha256 = gzip ? sha256Hex(content) : fileSha256;
  if (accepted !== undefined && !rawMatches && !accepted.includes(contentSha256)) {
    throw new Error(
      `${path}: checksum mismatch: SHA-256 of the file is ${fileSha256}` +
        (gzip ? ` and of its uncompressed content ${contentSha256}` : '') +
        `, expected one of ${accepted.join(', ')}`,
    );
  }
  return { ...parsed, path, gzip, fileSha256, contentSha256 };
}
