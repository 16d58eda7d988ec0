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
//    with dist/engine.min.d.ts re-exporting the types. Its size (JavaScript, embedded WGSL text and
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

/**
 * The package's entry points (package.json "exports" maps onto these files under dist/), and the
 * replica worker program, which fit({ replicas }) starts by URL (engine/distribute/replica-pool.ts).
 */
export const ENTRIES = ['engine/index.ts', 'node/webgpu.ts', 'model/tfjs-format.ts', 'model/tfjs-format-node.ts', 'engine/distribute/replica-worker.ts'];

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
 * The WGSL text the engine embeds: every kernel's code (shaders.generated.ts, includes expanded)
 * and fromPixels' shader. Read by bundling those modules and importing the result.
 */
export async function embeddedWgsl() {
  const result = await build({
    absWorkingDir: root, bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
    stdin: {
      contents: "export { SHADERS } from './engine/backends/webgpu/shaders.generated.ts'; export { FROM_PIXELS_WGSL } from './engine/ops/from-pixels.wgsl.ts';",
      resolveDir: root, loader: 'ts',
    },
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].contents).toString('base64')}`);
  return [...Object.values(mod.SHADERS).map((s) => (typeof s === 'string' ? s : s.code)), mod.FROM_PIXELS_WGSL];
}

/** A string as esbuild writes it inside a template literal (escapes for `, \\, ${ and non-ASCII). */
function asTemplateLiteralBody(t) {
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    const code = t.charCodeAt(i);
    if (c === '`' || c === '\\' || (c === '$' && t[i + 1] === '{')) out += `\\${c}`;
    else if (code > 0x7e && code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code > 0xff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/**
 * The engine (engine/index.ts) as one minified ESM file. Returns the code and its sizes in bytes:
 * `wgsl` is the embedded WGSL text (as written in the bundle: esbuild keeps it verbatim in
 * template literals), `js` everything else, the kernels' reflected layouts and line maps included.
 */
export async function bundleEngine({ outfile } = {}) {
  const result = await build({
    absWorkingDir: root, entryPoints: ['engine/index.ts'], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, metafile: true, outfile: outfile ?? 'engine.min.js', logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const text = result.outputFiles[0].text;
  const wgslTexts = await embeddedWgsl();
  let wgsl = 0;
  for (const t of wgslTexts) {
    const written = asTemplateLiteralBody(t);
    if (!text.includes(written)) throw new Error(`build: a WGSL text (${t.slice(0, 40)}...) is not in the bundle as expected; its size cannot be counted apart`);
    wgsl += Buffer.byteLength(written);
  }
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const modules = Object.entries(inputs).map(([file, { bytesInOutput }]) => ({ file: file.replace(/^.*node_modules\//, 'node_modules/'), bytes: bytesInOutput }));
  modules.sort((a, b) => b.bytes - a.bytes);
  const total = code.byteLength;
  // The shader modules also carry each kernel's reflected layout and line map: JavaScript data.
  const shaderModules = modules.filter((m) => /shaders\.generated\.ts$|\.wgsl\.ts$/.test(m.file)).reduce((n, m) => n + m.bytes, 0);
  const sizes = {
    total, js: total - wgsl, wgsl, shaderMetadata: shaderModules - wgsl, gzip: gzipSync(code, { level: 9 }).byteLength, largest: modules.slice(0, 8),
  };
  return { code, sizes };
}

export function formatSizes(s) {
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  return `dist/engine.min.js: ${kb(s.total)} minified = ${kb(s.js)} JavaScript (${kb(s.shaderMetadata)} of it the kernels' reflected layouts and line maps) + ${kb(s.wgsl)} embedded WGSL text; ${kb(s.gzip)} gzip`;
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
