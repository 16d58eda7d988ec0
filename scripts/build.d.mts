// Types of scripts/build.mjs, for the tests that import it.
export declare const root: string;
export declare const ENTRIES: string[];
export declare const WGSL_MODULES: RegExp[];
export interface BundleSizes {
  /** Bytes of dist/engine.min.js. */
  total: number;
  /** The engine's JavaScript: total minus wgsl. */
  js: number;
  /** What the embedded WGSL modules contribute. */
  wgsl: number;
  /** gzip -9 of the whole file. */
  gzip: number;
  /** The largest modules in the bundle. */
  largest: { file: string; bytes: number }[];
}
export declare function bundleEngine(options?: { outfile?: string }): Promise<{ code: Uint8Array; sizes: BundleSizes }>;
export declare function formatSizes(sizes: BundleSizes): string;
