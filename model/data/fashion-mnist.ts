/**
 * Fashion-MNIST loader: finds the four official IDX files, verifies them, and returns the
 * images normalised to [0, 1] (float32, N*28*28, row-major) and the labels (int32, 0..9).
 *
 * Where the data comes from, in this order (the first usable location wins):
 *   1. the `dataDir` option (the CLI's `--data DIR`);
 *   2. the `FASHION_MNIST_DIR` environment variable;
 *   3. the repository's own copy, `data/fashion-mnist/` (resolved from this file, not the cwd);
 *   4. Debian's `/usr/share/datasets/fashion-mnist/` (package `dataset-fashion-mnist`).
 * A location is usable when all four files are present (named `*-ubyte.gz` or, gunzipped,
 * `*-ubyte`), are well-formed IDX and match the official SHA-256 of either the .gz file or its
 * uncompressed content (Debian re-wrote the gzip headers, so only the content matches there).
 * An unusable location is skipped and recorded in `rejected` (so a caller can warn that e.g. its
 * `--data` folder was not used); when none is usable the error lists every place and why.
 *
 * Node-only (fs): lives in model/, never in engine/.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, readIdxFile, type ReadIdxResult } from './idx.js';

/** The class names of the tutorial, index = label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export const FASHION_MNIST_IMAGE_SIZE = 28;

/** The repository's copy of the data: <repo>/data/fashion-mnist (this file is <repo>/model/data/). */
export const REPO_DATA_DIR = fileURLToPath(new URL('../../data/fashion-mnist/', import.meta.url)).replace(/[\\/]$/, '');
/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_DATA_DIR = '/usr/share/datasets/fashion-mnist';

type FileKey = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

interface FileSpec {
  /** Base name without .gz. */
  base: string;
  magic: number;
  dims: ReadonlyArray<number | null>;
  count: number;
  /** SHA-256 of the official .gz file and of its uncompressed content. */
  sha256Gz: string;
  sha256Raw: string;
}

/**
 * Official checksums. The .gz digests are those of the upstream downloads (their MD5s equal the
 * upstream README's); the uncompressed digests are of `gunzip -c` of those files.
 */
export const FASHION_MNIST_FILES: Readonly<Record<FileKey, FileSpec>> = Object.freeze({
  trainImages: {
    base: 'train-images-idx3-ubyte',
    magic: IDX_MAGIC_IMAGES,
    dims: [60000, 28, 28],
    count: 60000,
    sha256Gz: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    sha256Raw: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  trainLabels: {
    base: 'train-labels-idx1-ubyte',
    magic: IDX_MAGIC_LABELS,
    dims: [60000],
    count: 60000,
    sha256Gz: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    sha256Raw: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  testImages: {
    base: 't10k-images-idx3-ubyte',
    magic: IDX_MAGIC_IMAGES,
    dims: [10000, 28, 28],
    count: 10000,
    sha256Gz: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    sha256Raw: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  testLabels: {
    base: 't10k-labels-idx1-ubyte',
    magic: IDX_MAGIC_LABELS,
    dims: [10000],
    count: 10000,
    sha256Gz: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    sha256Raw: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
});

export interface FashionMnistSplit {
  /** count*28*28 pixels, row-major, each byte / 255 (so in [0, 1]). */
  images: Float32Array;
  /** count labels in 0..9. */
  labels: Int32Array;
  count: number;
}

export interface DataLocation {
  /** Where the candidate came from, e.g. 'FASHION_MNIST_DIR environment variable'. */
  origin: string;
  /** The folder, or undefined when that source was not given (option absent, env unset). */
  dir?: string;
}

export interface RejectedLocation extends DataLocation {
  reason: string;
}

export interface FashionMnist {
  train: FashionMnistSplit;
  test: FashionMnistSplit;
  classNames: readonly string[];
  /** The location the data was loaded from. */
  source: DataLocation & { dir: string; files: Record<FileKey, string> };
  /**
   * Locations tried before `source` and why each was skipped, including sources that were not
   * given (reason 'not given' / 'not set', `dir` undefined). A caller may warn about those with a
   * `dir`, e.g. an explicit --data folder that was unusable.
   */
  rejected: RejectedLocation[];
}

export interface LoadFashionMnistOptions {
  /** Explicit folder (the CLI's `--data DIR`); tried first. */
  dataDir?: string;
  /**
   * Load only the first K images of each split (a number), or per split. Cheap: with the
   * official .gz files only the needed prefix is inflated (the file digest proves the rest).
   */
  limit?: number | { train?: number; test?: number };
  /** Environment to read FASHION_MNIST_DIR from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Overrides the repository copy's folder (tests). */
  repoDir?: string;
  /** Overrides Debian's folder (tests). */
  systemDir?: string;
}

/** The ordered candidate locations for the given options. */
export function fashionMnistLocations(options: LoadFashionMnistOptions = {}): DataLocation[] {
  const env = options.env ?? process.env;
  const envDir = env.FASHION_MNIST_DIR;
  return [
    { origin: 'dataDir option (--data)', dir: options.dataDir },
    { origin: 'FASHION_MNIST_DIR environment variable', dir: envDir === '' ? undefined : envDir },
    { origin: "repository's data/fashion-mnist", dir: options.repoDir ?? REPO_DATA_DIR },
    { origin: 'Debian package dataset-fashion-mnist', dir: options.systemDir ?? DEBIAN_DATA_DIR },
  ];
}

/** Finds `<base>.gz` or `<base>` in dir. */
function findFile(dir: string, base: string): string | undefined {
  for (const name of [`${base}.gz`, base]) {
    const p = join(dir, name);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

function toSplit(images: ReadIdxResult, labels: ReadIdxResult, numClasses: number): FashionMnistSplit {
  if (images.declaredCount !== labels.declaredCount) {
    throw new Error(`${images.path} declares ${images.declaredCount} images but ${labels.path} declares ${labels.declaredCount} labels`);
  }
  const count = images.count;
  const px = new Float32Array(images.data.length);
  const src = images.data;
  for (let i = 0; i < src.length; i++) px[i] = BYTE_TO_UNIT[src[i]!]!;
  const lab = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = labels.data[i]!;
    if (v >= numClasses) throw new Error(`${labels.path}: label ${v} at index ${i} is out of range 0..${numClasses - 1}`);
    lab[i] = v;
  }
  return { images: px, labels: lab, count };
}

function splitLimits(limit: LoadFashionMnistOptions['limit']): { train?: number; test?: number } {
  if (limit === undefined) return {};
  const l = typeof limit === 'number' ? { train: limit, test: limit } : limit;
  for (const [k, v] of Object.entries(l)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new Error(`loadFashionMnist: limit.${k} must be a non-negative integer, got ${v}`);
  }
  return l;
}

/** Loads all four files from one folder, or throws with the reason this folder is unusable. */
function loadFrom(dir: string, limits: { train?: number; test?: number }): Omit<FashionMnist, 'source' | 'rejected'> & { files: Record<FileKey, string> } {
  if (!existsSync(dir)) throw new Error('directory does not exist');
  if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  const keys = Object.keys(FASHION_MNIST_FILES) as FileKey[];
  const files = {} as Record<FileKey, string>;
  const missing: string[] = [];
  for (const key of keys) {
    const p = findFile(dir, FASHION_MNIST_FILES[key].base);
    if (p) files[key] = p;
    else missing.push(`${FASHION_MNIST_FILES[key].base}.gz`);
  }
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')} (or the same without .gz)`);
  const read = (key: FileKey, limit: number | undefined): ReadIdxResult => {
    const spec = FASHION_MNIST_FILES[key];
    return readIdxFile(files[key], {
      expect: { magic: spec.magic, dims: spec.dims },
      limit,
      sha256: [spec.sha256Gz, spec.sha256Raw],
    });
  };
  const classNames = FASHION_MNIST_CLASS_NAMES;
  const train = toSplit(read('trainImages', limits.train), read('trainLabels', limits.train), classNames.length);
  const test = toSplit(read('testImages', limits.test), read('testLabels', limits.test), classNames.length);
  return { train, test, classNames, files };
}

/**
 * Loads Fashion-MNIST (see the module comment for where it looks). Throws, listing every
 * location and why it was rejected, when none is usable.
 */
export function loadFashionMnist(options: LoadFashionMnistOptions = {}): FashionMnist {
  const limits = splitLimits(options.limit);
  const rejected: RejectedLocation[] = [];
  for (const loc of fashionMnistLocations(options)) {
    if (loc.dir === undefined) {
      rejected.push({ ...loc, reason: loc.origin.startsWith('FASHION_MNIST_DIR') ? 'not set' : 'not given' });
      continue;
    }
    try {
      const { files, ...data } = loadFrom(loc.dir, limits);
      return { ...data, source: { origin: loc.origin, dir: loc.dir, files }, rejected };
    } catch (e) {
      rejected.push({ ...loc, reason: (e as Error).message });
    }
  }
  const lines = rejected.map((r, i) => `  ${i + 1}. ${r.origin}${r.dir !== undefined ? ` ${r.dir}` : ''}: ${r.reason}`);
  throw new Error(
    'Fashion-MNIST: no usable data location. Looked, in order, at:\n' +
      lines.join('\n') +
      '\nPass --data DIR (or set FASHION_MNIST_DIR) to a folder holding the four official files ' +
      '(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), ' +
      'or install the Debian package dataset-fashion-mnist.',
  );
}
