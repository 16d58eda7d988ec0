// Types of scripts/build.mjs, for the tests that import it.
export declare const root: string;
/** package.json "exports" subpath -> source file. */
export declare const SUBPATHS: Record<string, string>;
/** The subpaths that run in a page or a worker. */
export declare const BROWSER_SUBPATHS: string[];
export declare const ENTRIES: string[];
/** dist/<name> -> the source file it bundles. */
export declare const BUNDLES: Record<string, string>;
/** The specifier by which engine.min.js imports the CPU backend's bundle. */
export declare const CPU_BUNDLE: string;
export interface BundleSizes {
  /** Bytes of the minified file: js + wgsl + layouts + wasm. */
  total: number;
  /** The engine's own JavaScript: everything that is not generated data below. */
  js: number;
  /** The embedded WGSL text (kernels, defineKernel's prelude, fromPixels), as written in the bundle. */
  wgsl: number;
  /** The kernels' bind-group layouts and line maps, reflected from the WGSL at build time (the rest of the shader modules). */
  layouts: number;
  /** The CPU backend's WebAssembly module, base64. */
  wasm: number;
  /** gzip -9 of the whole file. */
  gzip: number;
  /** Every source module in the bundle. */
  modules: string[];
  /** The largest modules in the bundle. */
  largest: { file: string; bytes: number }[];
  /** Every source module with its bytes in the minified file, largest first (esbuild's metafile). */
  byModule: { file: string; bytes: number }[];
}
/** What a subpath adds to the main entry (the same fields; differences of the bundle of both and the main entry's). */
export interface SubpathSizes {
  total: number;
  js: number;
  wgsl: number;
  layouts: number;
  wasm: number;
  gzip: number;
  /** The modules it adds. */
  modules: string[];
}
export interface BundleReport {
  main: BundleSizes;
  /** dist/engine-cpu.min.js, the CPU backend that engine.min.js loads when init needs it. */
  cpu: BundleSizes;
  all: BundleSizes;
  subpaths: Record<string, SubpathSizes>;
}
export declare function bundleSizes(entry: string | { contents: string }, options?: { outfile?: string }): Promise<{ code: Uint8Array; text: string; sizes: BundleSizes }>;
export declare function subpathSizes(subpath: string, main: BundleSizes): Promise<SubpathSizes>;
export declare function measureAll(): Promise<BundleReport>;
export declare function embeddedWgsl(): Promise<{ kernels: string[]; preludes: string[]; fromPixels: string[] }>;
export declare function formatSizes(name: string, sizes: BundleSizes | SubpathSizes): string;
export declare function formatReport(report: BundleReport): string;
