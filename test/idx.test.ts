import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_FILES,
  REPO_DATA_DIR,
  loadFashionMnist,
} from '../model/data/fashion-mnist.js';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, parseIdx, readIdxFile, sha256Hex } from '../model/data/idx.js';

/** Builds IDX bytes: header (magic, dims) then the given payload. */
function idx(magic: number, dims: number[], payload: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

function histogram(labels: ArrayLike<number>, n = 10): number[] {
  const h = new Array<number>(n).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]!]! += 1;
  return h;
}

const real = (key: keyof typeof FASHION_MNIST_FILES): string => join(REPO_DATA_DIR, `${FASHION_MNIST_FILES[key].base}.gz`);
const accepted = (key: keyof typeof FASHION_MNIST_FILES): string[] => [FASHION_MNIST_FILES[key].sha256Gz, FASHION_MNIST_FILES[key].sha256Raw];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'idx-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});
const write = (name: string, bytes: Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};

describe('IDX reader: good files', () => {
  it('reads a small uncompressed and a gzip file alike', () => {
    const bytes = idx(IDX_MAGIC_IMAGES, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const p of [write('good.idx', bytes), write('good.idx.gz', gzipSync(bytes))]) {
      const r = readIdxFile(p, { expect: { magic: IDX_MAGIC_IMAGES, dims: [null, 2, 3] } });
      expect(r.dims).toEqual([2, 2, 3]);
      expect(r.count).toBe(2);
      expect(r.itemSize).toBe(6);
      expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
    // gzip is detected by magic bytes, not by name
    const r = readIdxFile(write('gzip-without-suffix', gzipSync(bytes)));
    expect(r.gzip).toBe(true);
    expect(readIdxFile(write('limited.idx', bytes), { limit: 1 }).data.length).toBe(6);
  });

  it('reads the real test set: 10,000 28x28 images, 1000 labels of each class, checksums verified', () => {
    const images = readIdxFile(real('testImages'), { expect: { magic: IDX_MAGIC_IMAGES, dims: [10000, 28, 28] }, sha256: accepted('testImages') });
    const labels = readIdxFile(real('testLabels'), { expect: { magic: IDX_MAGIC_LABELS, dims: [10000] }, sha256: accepted('testLabels') });
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(images.data.length).toBe(10000 * 784);
    expect(images.fileSha256).toBe(FASHION_MNIST_FILES.testImages.sha256Gz);
    expect(images.contentSha256).toBe(FASHION_MNIST_FILES.testImages.sha256Raw);
    expect(labels.count).toBe(10000);
    expect(histogram(labels.data)).toEqual(new Array(10).fill(1000));
  });

  it('loadFashionMnist: both splits, normalised to [0, 1], balanced, the tutorial class names', () => {
    const d = loadFashionMnist();
    expect(d.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(d.train.count).toBe(60000);
    expect(d.test.count).toBe(10000);
    expect(d.train.images.length).toBe(60000 * 784);
    expect(d.test.images.length).toBe(10000 * 784);
    expect(histogram(d.train.labels)).toEqual(new Array(10).fill(6000));
    expect(histogram(d.test.labels)).toEqual(new Array(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of d.train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Published statistics of the training set: mean pixel 72.9404 / 255 = 0.2860.
    expect(sum / d.train.images.length).toBeCloseTo(0.286, 3);
    // The tutorial's first training image is an ankle boot (class 9); the first test image too.
    expect(d.train.labels[0]).toBe(9);
    expect(d.test.labels[0]).toBe(9);

    // `limit` gives exactly the first K items, per split or for both.
    const small = loadFashionMnist({ limit: 25 });
    expect(small.train.count).toBe(25);
    expect(small.test.count).toBe(25);
    expect(Array.from(small.train.images)).toEqual(Array.from(d.train.images.subarray(0, 25 * 784)));
    expect(Array.from(small.test.labels)).toEqual(Array.from(d.test.labels.subarray(0, 25)));
    const mixed = loadFashionMnist({ limit: { train: 7 } });
    expect(mixed.train.count).toBe(7);
    expect(mixed.test.count).toBe(10000);
  });
});

describe('IDX reader: errors', () => {
  it('a wrong magic number', () => {
    const labelsAsImages = write('labels-not-images.idx', idx(IDX_MAGIC_LABELS, [2], [1, 2]));
    expect(() => readIdxFile(labelsAsImages, { expect: { magic: IDX_MAGIC_IMAGES } })).toThrow(
      /labels-not-images\.idx: bad magic number 0x00000801 \(IDX ubyte, 1 dim: labels\), expected 0x00000803 \(IDX ubyte, 3 dims: images\)/,
    );
    const notIdx = write('not-idx.bin', new TextEncoder().encode('PK\x03\x04 this is a zip'));
    expect(() => readIdxFile(notIdx)).toThrow(/not-idx\.bin: bad magic number 0x504b0304: an IDX file starts with two zero bytes/);
    const floats = write('floats.idx', idx(0x00000d01, [1], [0, 0, 0, 0]));
    expect(() => readIdxFile(floats)).toThrow(/floats\.idx: bad magic number 0x00000d01: element type 0x0d is not supported, only 0x08/);
  });

  it('wrong dimensions', () => {
    const p = write('27x28.idx', idx(IDX_MAGIC_IMAGES, [1, 27, 28], new Uint8Array(27 * 28)));
    expect(() => readIdxFile(p, { expect: { magic: IDX_MAGIC_IMAGES, dims: [null, 28, 28] } })).toThrow(/27x28\.idx: bad dimensions 1 x 27 x 28, expected N x 28 x 28/);
  });

  it('a truncated file', () => {
    // 3 images of 2x2 = 12 pixel bytes + 16 header bytes = 28 bytes; cut 2 bytes off.
    const full = idx(IDX_MAGIC_IMAGES, [3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const p = write('truncated.idx', full.subarray(0, 26));
    expect(() => readIdxFile(p)).toThrow(/truncated\.idx: truncated: header declares 3 items of 4 bytes \(dims 3 x 2 x 2\), so expected 28 bytes, but the content is 26 bytes/);
    // A truncated gzip stream is an error too, not a short dataset.
    const gz = gzipSync(full);
    const pgz = write('truncated.idx.gz', gz.subarray(0, gz.length - 6));
    expect(() => readIdxFile(pgz)).toThrow(/truncated\.idx\.gz: cannot decompress gzip data \(.*\); the file is truncated or corrupted/);
    // A truncated header.
    expect(() => parseIdx(full.subarray(0, 10), { name: 'hdr' })).toThrow(/hdr: truncated header: 3 dimensions need 16 header bytes, got 10/);
  });

  it('trailing garbage', () => {
    const p = write('trailing.idx', idx(IDX_MAGIC_LABELS, [2], [1, 2, 0xff]));
    expect(() => readIdxFile(p)).toThrow(/trailing\.idx: trailing garbage: header declares 2 items of 1 byte \(dims 2\), so expected 10 bytes, but the content is 11 bytes \(1 extra bytes\)/);
  });

  it('a wrong count: the header says N but fewer items follow', () => {
    const p = write('count.idx.gz', gzipSync(idx(IDX_MAGIC_LABELS, [5], [1, 2, 3])));
    expect(() => readIdxFile(p)).toThrow(/count\.idx\.gz: truncated: header declares 5 items of 1 byte \(dims 5\), so expected 13 bytes, but the content is 11 bytes \(only 3 whole items, 2 bytes missing\)/);
    // Even when only the first 2 are asked for, a file that is not whole is rejected.
    expect(() => readIdxFile(p, { limit: 2 })).toThrow(/only 3 whole items/);
  });

  it('a bad checksum', () => {
    const content = new Uint8Array(gunzipSync(readFileSync(real('testLabels'))));
    content[8 + 1234] = (content[8 + 1234]! + 1) % 10; // one label changed: still a valid IDX file
    const p = write('t10k-labels-flipped.gz', gzipSync(content));
    expect(() => readIdxFile(p, { sha256: accepted('testLabels') })).toThrow(
      new RegExp(
        `t10k-labels-flipped\\.gz: checksum mismatch: SHA-256 of the file is ${sha256Hex(readFileSync(p))} and of its uncompressed content ${sha256Hex(content)}, ` +
          `expected one of ${FASHION_MNIST_FILES.testLabels.sha256Gz}, ${FASHION_MNIST_FILES.testLabels.sha256Raw}`,
      ),
    );
    // With a limit too (the cheap path only applies when the .gz digest matches).
    expect(() => readIdxFile(p, { sha256: accepted('testLabels'), limit: 10 })).toThrow(/checksum mismatch/);
  });

  it('accepts re-compressed (Debian-style) and uncompressed copies by their content checksum', () => {
    const content = gunzipSync(readFileSync(real('testLabels')));
    const regz = gzipSync(content, { level: 9 }); // different gzip header (no FNAME, mtime 0) and stream
    expect(sha256Hex(regz)).not.toBe(FASHION_MNIST_FILES.testLabels.sha256Gz);
    const r = readIdxFile(write('t10k-labels-debian.gz', regz), { sha256: accepted('testLabels'), limit: 3 });
    expect(r.count).toBe(3);
    expect(r.contentSha256).toBe(FASHION_MNIST_FILES.testLabels.sha256Raw);
    const u = readIdxFile(write('t10k-labels-idx1-ubyte', content), { sha256: accepted('testLabels') });
    expect(u.gzip).toBe(false);
    expect(u.count).toBe(10000);
  });
});

describe('Fashion-MNIST search order', () => {
  /** A folder with the official files linked in, except the overrides (base name -> bytes). */
  function dataDir(name: string, overrides: Record<string, Uint8Array | null> = {}): string {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    for (const spec of Object.values(FASHION_MNIST_FILES)) {
      if (spec.base in overrides) {
        const bytes = overrides[spec.base];
        if (bytes) writeFileSync(join(dir, spec.base), bytes); // uncompressed, no .gz suffix
      } else {
        symlinkSync(join(REPO_DATA_DIR, `${spec.base}.gz`), join(dir, `${spec.base}.gz`));
      }
    }
    return dir;
  }

  it('lists every place it looked and why each was rejected', () => {
    const testLabels = new Uint8Array(gunzipSync(readFileSync(real('testLabels'))));
    const flipped = testLabels.slice();
    flipped[8] = (flipped[8]! + 1) % 10;
    const missingDir = dataDir('missing-labels', { 'train-labels-idx1-ubyte': null, 't10k-labels-idx1-ubyte': null });
    const corruptDir = dataDir('corrupt', { 't10k-labels-idx1-ubyte': flipped });
    const truncDir = dataDir('truncated', { 't10k-labels-idx1-ubyte': testLabels.subarray(0, 5008) });
    const nowhere = join(tmp, 'does-not-exist');

    let message = '';
    try {
      loadFashionMnist({ dataDir: nowhere, env: { FASHION_MNIST_DIR: missingDir }, repoDir: corruptDir, systemDir: truncDir, limit: 10 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Fashion-MNIST: no usable data location\. Looked, in order, at:\n/);
    const lines = message.split('\n');
    expect(lines[1]).toMatch(/^ {2}1\. dataDir option \(--data\) .*does-not-exist: directory does not exist$/);
    expect(lines[2]).toMatch(
      /^ {2}2\. FASHION_MNIST_DIR environment variable .*missing-labels: missing train-labels-idx1-ubyte\.gz, t10k-labels-idx1-ubyte\.gz \(or the same without \.gz\)$/,
    );
    expect(lines[3]).toMatch(/^ {2}3\. repository's data\/fashion-mnist .*corrupt: .*corrupt\/t10k-labels-idx1-ubyte: checksum mismatch: SHA-256 of the file is [0-9a-f]{64}, expected one of /);
    expect(lines[4]).toMatch(
      /^ {2}4\. Debian package dataset-fashion-mnist .*truncated: .*truncated\/t10k-labels-idx1-ubyte: truncated: header declares 10000 items of 1 byte \(dims 10000\), so expected 10008 bytes, but the content is 5008 bytes/,
    );
    expect(message).toMatch(/Pass --data DIR \(or set FASHION_MNIST_DIR\)/);

    // Unset sources are listed too.
    expect(() => loadFashionMnist({ env: {}, repoDir: nowhere, systemDir: nowhere })).toThrow(
      /1\. dataDir option \(--data\): not given\n {2}2\. FASHION_MNIST_DIR environment variable: not set\n {2}3\. repository's data\/fashion-mnist .*: directory does not exist\n {2}4\. Debian package dataset-fashion-mnist .*: directory does not exist/,
    );
  });

  it('takes the first usable place, recording the rejected ones', () => {
    const good = dataDir('uncompressed-good', { 't10k-labels-idx1-ubyte': new Uint8Array(gunzipSync(readFileSync(real('testLabels')))) });
    const nowhere = join(tmp, 'nowhere');
    const viaEnv = loadFashionMnist({ dataDir: nowhere, env: { FASHION_MNIST_DIR: good }, limit: 5 });
    expect(viaEnv.source.origin).toBe('FASHION_MNIST_DIR environment variable');
    expect(viaEnv.source.dir).toBe(good);
    expect(viaEnv.source.files.testLabels).toBe(join(good, 't10k-labels-idx1-ubyte'));
    expect(viaEnv.rejected).toEqual([{ origin: 'dataDir option (--data)', dir: nowhere, reason: 'directory does not exist' }]);
    expect(viaEnv.test.count).toBe(5);
    expect(viaEnv.classNames).toBe(FASHION_MNIST_CLASS_NAMES);

    const explicit = loadFashionMnist({ dataDir: good, env: {}, limit: 1 });
    expect(explicit.source.origin).toBe('dataDir option (--data)');
    expect(explicit.rejected).toEqual([]);

    const repo = loadFashionMnist({ env: {}, limit: 1 });
    expect(repo.source.dir).toBe(REPO_DATA_DIR);
    expect(repo.rejected.map((r) => r.reason)).toEqual(['not given', 'not set']);
  });
});
