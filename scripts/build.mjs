#!/usr/bin/env node
// `npm run build`: the npm package's contents, in dist/.
//
// 1. JavaScript, one ESM file per source file (esbuild, no bundling), for every module the
//    package's entry points reach: dist/engine/**, dist/node/webgpu.js, dist/model/tfjs-format*.js.
//    One file per module keeps class identity across subpaths (a Sequential made through
//    'webgpu-tensor-engine/nn' is the one 'webgpu-tensor-engine/tfjs-format' checks with instanceof)
//    and lets an app's bundler drop what it does not use (package.json says sideEffects: false).
// 2. Types: tsc -p tsconfig.build.json writes the .d.ts files beside the JavaScript.
// 3. Single-file minified ESM bundles, for <script type="module"> or a CDN: dist/engine.min.js
//    (the main entry), dist/engine-cpu.min.js (the CPU backend, which engine.min.js imports by
//    itself when init needs it) and dist/engine-all.min.js (everything, engine/index.ts), each
//    with a .d.ts re-exporting its entry's types. A page loads engine.min.js, or
//    engine-all.min.js (two engines otherwise).
//    Their sizes, and what each browser subpath adds to the main entry, go to
//    dist/bundle-size.json and the console, JavaScript apart from the data generated from WGSL
//    and the WebAssembly module; test/bundle-size.test.ts holds the budgets.
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
 * The package's subpaths (package.json "exports") and their source files. The main entry is the
 * core every experiment needs (tensors, autodiff, the tutorial's ops, init, the WebGPU backend;
 * init loads the CPU backend, ./cpu, when it needs it); training (./nn), the wider op families,
 * the other layers, fromPixels, custom kernels and the GPU profiler are subpaths, so that the
 * single-file bundle of the main entry stays small (engine/entries/main.ts says why).
 */
export const SUBPATHS = {
  '.': 'engine/entries/main.ts',
  './nn': 'engine/entries/nn.ts',
  './cpu': 'engine/entries/cpu.ts',
  './ops': 'engine/entries/ops.ts',
  './layers': 'engine/entries/layers.ts',
  './pixels': 'engine/entries/pixels.ts',
  './kernels': 'engine/entries/kernels.ts',
  './profiler': 'engine/entries/profiler.ts',
  './tfjs-format': 'model/tfjs-format.ts',
  './tfjs-format/node': 'model/tfjs-format-node.ts',
  './node': 'node/webgpu.ts',
};

/** The subpaths that run in a page or a worker: each gets a size line (what it adds to the main entry). */
export const BROWSER_SUBPATHS = ['./nn', './cpu', './ops', './layers', './pixels', './kernels', './profiler', './tfjs-format'];

/**
 * The source files the build starts from: the subpaths, engine/index.ts (everything the
 * engine exports, which dist/engine-all.min.js bundles), the replica code, which
 * fit({ replicas }) loads by a dynamic import and starts in workers by URL (engine/distribute/),
 * and the WebGPU backend's poll throttle, which it imports by a variable specifier in Node on a
 * software adapter only (engine/backends/webgpu/poll-throttle.ts), so nothing else reaches it.
 */
export const ENTRIES = [
  ...Object.values(SUBPATHS), 'engine/index.ts', 'engine/distribute/replica-pool.ts', 'engine/distribute/replica-worker.ts',
  'engine/backends/webgpu/poll-throttle.ts',
];

/**
 * The single-file bundles: dist/<name> from a source file. engine.min.js's one import is the
 * dynamic import of the CPU backend (engine/backends/cpu/load.ts), which its build points at
 * engine-cpu.min.js beside it (CPU_BUNDLE); engine-all.min.js carries the CPU backend itself.
 */
export const BUNDLES = { 'engine.min.js': SUBPATHS['.'], 'engine-cpu.min.js': SUBPATHS['./cpu'], 'engine-all.min.js': 'engine/index.ts' };

/** Where a bundle without the CPU backend finds it: the module specifier of load.ts's dynamic import. */
export const CPU_BUNDLE = './engine-cpu.min.js';

/** The bundles' entries that import the CPU backend statically, so carry it. */
const CPU_INSIDE = ['engine/index.ts', SUBPATHS['./cpu']];

/**
 * esbuild plugin: load.ts's `import('./cpu-backend.js')` stays a dynamic import, of
 * CPU_BUNDLE, instead of bringing the CPU backend into the bundle. Not used for the bundles
 * that carry the CPU backend (CPU_INSIDE): there the dynamic import is of a bundled module.
 */
const cpuApart = {
  name: 'cpu-backend-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/cpu-backend\.js$/ }, (args) => (
      args.kind === 'dynamic-import' && /backends[\\/]cpu[\\/]load\.ts$/.test(args.importer) ? { path: CPU_BUNDLE, external: true } : undefined
    ));
  },
};

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
 * The WGSL text the engine can embed: every kernel's code (shaders.generated.ts, includes
 * expanded), the preludes defineKernel builds on, and fromPixels' shader. Read by bundling those
 * modules and importing the result.
 */
export function embeddedWgsl() {
  wgslTexts ??= readEmbeddedWgsl();
  return wgslTexts;
}
let wgslTexts;

async function readEmbeddedWgsl() {
  const result = await build({
    absWorkingDir: root, bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
    stdin: {
      contents: "export { SHADERS, PRELUDES } from './engine/backends/webgpu/shaders.generated.ts'; export { FROM_PIXELS_WGSL } from './engine/ops/from-pixels.wgsl.ts';",
      resolveDir: root, loader: 'ts',
    },
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].contents).toString('base64')}`);
  const code = (s) => (typeof s === 'string' ? s : s.code);
  return { kernels: Object.values(mod.SHADERS).map(code), preludes: Object.values(mod.PRELUDES).map(code), fromPixels: [mod.FROM_PIXELS_WGSL] };
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

/** The generated modules whose bytes are data made from WGSL (texts, layouts, line maps). */
const SHADER_MODULE = /shaders\.generated\.ts$|\.wgsl\.ts$/;
/** The generated module that holds the CPU backend's WebAssembly module (base64). */
const WASM_MODULE = /cpu\/wasm\/kernels\.generated\.ts$/;

/**
 * One minified single-file ESM bundle of `entry` (a source file, or { contents } of a module in
 * the repository root) and its sizes in bytes. The bundle is split into four parts that add up
 * to the file:
 * - `wgsl`: the embedded WGSL text, as written in the bundle (esbuild keeps it verbatim in
 *   template literals; each text is found in the file, or the build fails);
 * - `layouts`: the rest of the shader modules, i.e. the bind-group layouts and line maps that
 *   the build reflected from that WGSL (data, one entry per kernel, written as tuples);
 * - `wasm`: the CPU backend's WebAssembly module, base64 (generated by npm run gen:wasm);
 * - `js`: everything else, the engine's own JavaScript, which issue 10's budget is about.
 * `gzip` is gzip -9 of the whole file.
 */
export async function bundleSizes(entry, { outfile } = {}) {
  const input = typeof entry === 'string'
    ? { entryPoints: [entry] }
    : { stdin: { contents: entry.contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' } };
  const result = await build({
    absWorkingDir: root, ...input, bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, metafile: true, outfile: outfile ?? 'bundle.min.js', logLevel: 'silent',
    plugins: CPU_INSIDE.includes(entry) ? [] : [cpuApart],
  });
  const code = result.outputFiles[0].contents;
  const text = result.outputFiles[0].text;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const modules = Object.entries(inputs).map(([file, { bytesInOutput }]) => ({ file: file.replace(/^.*node_modules\//, 'node_modules/'), bytes: bytesInOutput }));
  modules.sort((a, b) => b.bytes - a.bytes);
  const has = (re) => modules.some((m) => re.test(m.file) && m.bytes > 0);
  const texts = await embeddedWgsl();
  let wgsl = 0;
  const count = (list, required, what) => {
    for (const t of list) {
      const written = asTemplateLiteralBody(t);
      if (text.includes(written)) wgsl += Buffer.byteLength(written);
      else if (required) throw new Error(`build: ${what} WGSL (${t.slice(0, 40)}...) is not in the bundle as expected; its size cannot be counted apart`);
    }
  };
  count(texts.kernels, has(/shaders\.generated\.ts$/), 'a kernel\'s');
  count(texts.preludes, false, 'a prelude\'s');
  count(texts.fromPixels, has(/from-pixels\.wgsl\.ts$/), "fromPixels'");
  const sum = (re) => modules.filter((m) => re.test(m.file)).reduce((n, m) => n + m.bytes, 0);
  const total = code.byteLength;
  const layouts = sum(SHADER_MODULE) - wgsl;
  const wasm = sum(WASM_MODULE);
  const sizes = {
    total, js: total - wgsl - layouts - wasm, wgsl, layouts, wasm,
    gzip: gzipSync(code, { level: 9 }).byteLength, modules: modules.map((m) => m.file), largest: modules.slice(0, 8), byModule: modules,
  };
  return { code, text, sizes };
}

/** What a subpath adds to a page that has the main entry: the bundle of both, less the main entry's. */
export async function subpathSizes(subpath, main) {
  const file = SUBPATHS[subpath];
  if (!file) throw new Error(`build: no subpath '${subpath}' (expected one of ${Object.keys(SUBPATHS).join(', ')})`);
  const both = await bundleSizes({ contents: `export * from './${SUBPATHS['.']}'; export * from './${file}';` });
  const added = {};
  for (const k of ['total', 'js', 'wgsl', 'layouts', 'wasm', 'gzip']) added[k] = both.sizes[k] - main[k];
  added.modules = both.sizes.modules.filter((m) => !main.modules.includes(m));
  return added;
}

/** Every size the build reports: the two single-file bundles, and each browser subpath's addition to the main entry. */
export async function measureAll() {
  const main = (await bundleSizes(BUNDLES['engine.min.js'])).sizes;
  const cpu = (await bundleSizes(BUNDLES['engine-cpu.min.js'])).sizes;
  const all = (await bundleSizes(BUNDLES['engine-all.min.js'])).sizes;
  const subpaths = {};
  for (const s of BROWSER_SUBPATHS) subpaths[s] = await subpathSizes(s, main);
  return { main, cpu, all, subpaths };
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

/** One line per bundle or subpath: JavaScript, then the generated data apart, then gzip. */
export function formatSizes(name, s) {
  return `${name}: ${kb(s.js)} JavaScript + ${kb(s.wgsl)} WGSL text + ${kb(s.layouts)} kernel layouts and line maps + ${kb(s.wasm)} WebAssembly module (base64)`
    + ` = ${kb(s.total)} minified, ${kb(s.gzip)} gzip`;
}

export function formatReport({ main, cpu, all, subpaths }) {
  return [
    formatSizes('dist/engine.min.js (the main entry, ".")', main),
    formatSizes('dist/engine-cpu.min.js (the CPU backend, "./cpu"; init loads it when it needs it)', cpu),
    ...Object.entries(subpaths).map(([s, z]) => formatSizes(`  + "${s}" adds`, z)),
    formatSizes('dist/engine-all.min.js (everything, engine/index.ts)', all),
  ].join('\n');
}

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const files = await emitJavaScript();
  emitTypes();
  for (const [name, entry] of Object.entries(BUNDLES)) {
    const { code } = await bundleSizes(entry, { outfile: join(dist, name) });
    writeFileSync(join(dist, name), code);
    // The types of a bundle are those of its entry's module.
    writeFileSync(join(dist, name.replace(/\.js$/, '.d.ts')), `export * from './${entry.replace(/\.ts$/, '.js')}';\n`);
  }
  const report = await measureAll();
  writeFileSync(join(dist, 'bundle-size.json'), `${JSON.stringify(report, (k, v) => (k === 'modules' || k === 'largest' ? undefined : v), 1)}\n`);
  console.log(`built ${files.length} modules with their .d.ts into ${relative(process.cwd(), dist) || '.'}/`);
  console.log(formatReport(report));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
