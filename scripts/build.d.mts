// Types of scripts/build.mjs, for the tests that import it.
export declare const root: string;
export declare const ENTRIES: string[];
export interface BundleSizes {
  /** Bytes of dist/engine.min.js. */
  total: number;
  /** Everything else: the engine's JavaScript, reflected kernel layouts included. */
  js: number;
  /** The embedded WGSL text (kernels and fromPixels), as written in the bundle. */
  wgsl: number;
  /** The part of js that is the kernels' reflected layouts and line maps (data in the shader modules). */
  shaderMetadata: number;
  /** gzip -9 of the whole file. */
  gzip: number;
  /** The largest modules in the bundle. */
  largest: { file: string; bytes: number }[];
}
export declare function bundleEngine(options?: { outfile?: string }): Promise<{ code: Uint8Array; sizes: BundleSizes }>;
export declare function embeddedWgsl(): Promise<string[]>;
export declare function formatSizes(sizes: BundleSizes): string;
