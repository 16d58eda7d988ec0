#!/usr/bin/env node
// `npm run build`: the npm package's contents, in dist/.
//
// 1. JavaScript, one ESM file per source file (esbuild, no bundling), for every module the
//    package's entry points reach: dist/engine/**, dist/node/webgpu.js, dist/model/tfjs-format*.js.
//    One file per module keeps class identity across subpaths (a Sequential made through
//    'webgpu-tensor-engine' is the one 'webgpu-tensor-engine/tfjs-format' checks with instanceof)
//    and lets an app's bundler drop what it does not use (package.json says sideEffects: false).
// 2. Types: tsc -p tsconfig.build.json writes the .d.ts files beside the JavaScript.
// 3. dist/engine.min.js: the engine as one minified ESM file, for <script type="module"> or a CDN,
//    with dist/engine.min.d.ts re-exporting the types. Its size (JavaScript, embedded WGSL and
//    gzip) goes to dist/bundle-size.json and the console; test/bundle-size.test.ts holds the budget.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** The package's entry points (package.json "exports" maps onto these files under dist/). */
export const ENTRIES = ['engine/index.ts', 'node/webgpu.ts', 'model/tfjs-format.ts', 'model/tfjs-format-node.ts'];

/** Modules whose text is WGSL (counted apart from the engine's JavaScript in the bundle size). */
export const WGSL_MODULES = [/shaders\.generated\.ts$/, /\.wgsl\.ts$/];

/** The engine's own source files reachable from the entry points (packages and node: stay imports). */
async function reachableSources() {
  const result = await build({
    absWorkingDir: root, entryPoints: ENTRIES, bundle: true, write: false, metafile: true, outdir: 'unused',
    format: 'esm', platform: 'node', packages: 'external', logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !f.includes('node_modules'));
}

async function emitJavaScript() {
  const files = await reachableSources();
  await build({
    absWorkingDir: root, entryPoints: files, outbase: '.', outdir: 'dist', bundle: false,
    format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'warning',
  });
  return files;
}

function emitTypes() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

/**
 * The engine (engine/index.ts) as one minified ESM file. Returns the code and its sizes in bytes:
 * `wgsl` is what the embedded shader modules contribute, `js` the rest.
 */
export async function bundleEngine({ outfile } = {}) {
  const result = await build({
    absWorkingDir: root, entryPoints: ['engine/index.ts'], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, metafile: true, outfile: outfile ?? 'engine.min.js', logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  let wgsl = 0;
  const modules = [];
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    if (WGSL_MODULES.some((re) => re.test(file))) wgsl += bytesInOutput;
    modules.push({ file: file.replace(/^.*node_modules\//, 'node_modules/'), bytes: bytesInOutput });
  }
  modules.sort((a, b) => b.bytes - a.bytes);
  const total = code.byteLength;
  const sizes = { total, js: total - wgsl, wgsl, gzip: gzipSync(code, { level: 9 }).byteLength, largest: modules.slice(0, 8) };
  return { code, sizes };
}

export function formatSizes(s) {
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  return `dist/engine.min.js: ${kb(s.total)} minified = ${kb(s.js)} JavaScript + ${kb(s.wgsl)} embedded WGSL; ${kb(s.gzip)} gzip`;
}

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const files = await emitJavaScript();
  emitTypes();
  const { code, sizes } = await bundleEngine({ outfile: join(dist, 'engine.min.js') });
  writeFileSync(join(dist, 'engine.min.js'), code);
  writeFileSync(join(dist, 'engine.min.d.ts'), "export * from './engine/index.js';\n");
  writeFileSync(join(dist, 'bundle-size.json'), `${JSON.stringify(sizes, null, 1)}\n`);
  console.log(`built ${files.length} modules with their .d.ts into ${relative(process.cwd(), dist) || '.'}/`);
  console.log(formatSizes(sizes));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
