/**
 * The npm package, as a user gets it (issue 10): `npm run build`, `npm pack`, then the tarball
 * installed into a fresh project in a temporary folder (`npm install --prefer-offline`: the
 * tarball, its dependencies and the optional `webgpu` peer, from npm's cache or the registry).
 * That project then
 * 1. imports the package in plain Node (no TypeScript loader; every subpath) and trains
 *    a tiny CNN (./nn) on the CPU and on WebGPU (Dawn + SwiftShader), saving and reloading it, runs
 *    ops of the ./ops subpath on the main entry's tensors, and runs the main entry alone on each
 *    backend (init loading the CPU backend by itself);
 * 2. bundles an app that imports it with esbuild and runs it in headless Chrome, on the CPU and on
 *    WebGPU; and loads dist/engine.min.js (which imports dist/engine-cpu.min.js for the CPU) and
 *    dist/engine-all.min.js from a <script type="module">, as from a CDN;
 * 3. type-checks consumer files against the shipped .d.ts (NodeNext resolution, strict, no
 *    skipLibCheck): a Node one (with @types/node, as a Node project has), where misuse must be a
 *    type error, and a page's, with no Node types at all.
 * The consumer's code is test/fixtures/package-consumer/.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'test/fixtures/package-consumer');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string; exports: Record<string, string | Record<string, string>>; dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>; devDependencies: Record<string, string>;
};

const work = mkdtempSync(join(tmpdir(), 'package-test-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', pkg.name);
let packedFiles: string[] = [];
let server: Server | null = null;
let browser: Browser | null = null;

/** What train-tiny.js reports for one backend. */
interface TinyResult {
  backend: string;
  describe: string;
  /** WebGPU: whether Node's poll is throttled during its waits (null on the CPU). */
  throttled: boolean | null;
  losses: number[];
  loss: number;
  accuracy: number;
  logits: number[];
  product: number[];
}

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  // --ignore-scripts: prepack would build again.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed.files.map((f) => f.path);

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, type: 'module' }));
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(app, f));
  await run('npm', [
    'install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts',
    join(work, packed.filename), `webgpu@${pkg.peerDependencies.webgpu}`,
    // What a TypeScript project in Node has anyway; the browser consumer below is checked without it.
    `@types/node@${pkg.devDependencies['@types/node']}`,
  ], { cwd: app });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** subpathOps() of train-tiny.js: sqrt and transpose of [[1, 4, 9], [16, 25, 36]]. */
const SUBPATH_OPS = { sqrt: [1, 2, 3, 4, 5, 6], transpose: [1, 16, 4, 25, 9, 36] };

/** coreSteps() of train-tiny.js on `backend`: the main entry alone; init's CPU backend is the ./cpu subpath's class. */
const coreSteps = (backend: string) => ({ backend, product: [19, 22, 43, 50], grad: [2, 4, 6, 8], isCpuBackend: backend === 'cpu' });

/** Both backends trained, the loss fell, and the CPU and WebGPU runs agree step for step. */
function expectTrained(results: Record<string, TinyResult>, where: string): void {
  const { cpu, webgpu } = results;
  expect(cpu.backend).toBe('cpu');
  expect(webgpu.backend).toBe('webgpu');
  expect(webgpu.describe).toMatch(/^webgpu: /);
  for (const r of [cpu, webgpu]) {
    expect(r.losses).toHaveLength(8);
    expect(r.losses[7], `${where} ${r.backend}: loss ${r.losses}`).toBeLessThan(0.2 * r.losses[0]);
    expect(r.accuracy).toBe(1);
    expect(r.product).toEqual([19, 22, 43, 50]);
  }
  for (let i = 0; i < 8; i++) expect(Math.abs(cpu.losses[i] - webgpu.losses[i])).toBeLessThan(1e-3);
  for (let i = 0; i < cpu.logits.length; i++) expect(Math.abs(cpu.logits[i] - webgpu.logits[i])).toBeLessThan(1e-3);
  console.log(`${where}: loss ${cpu.losses[0].toFixed(3)} -> ${cpu.losses[7].toExponential(1)} (cpu), ${webgpu.losses[0].toFixed(3)} -> ${webgpu.losses[7].toExponential(1)} (${webgpu.describe})`);
}

describe('the npm package, installed from its tarball', () => {
  it('the tarball holds the build, the README and package.json: no sources, tests or data', () => {
    expect(packedFiles.length).toBeGreaterThan(20);
    for (const f of packedFiles) {
      expect(f === 'package.json' || f === 'README.md' || f.startsWith('dist/'), f).toBe(true);
      expect(/\.ts$/.test(f) && !f.endsWith('.d.ts'), f).toBe(false);
    }
    // Every "exports" target is in it.
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const t of targets) expect(packedFiles, t).toContain(t.replace(/^\.\//, ''));
    expect(existsSync(join(installed, 'dist/engine.min.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/engine-cpu.min.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/engine-all.min.js'))).toBe(true);
    // Runtime dependencies: exactly what the built JavaScript imports by bare name.
    const bare = new Set<string>();
    for (const f of packedFiles.filter((p) => p.endsWith('.js') && !p.endsWith('.min.js'))) {
      const code = readFileSync(join(installed, f), 'utf8');
      for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)[^'"]*?from\s*["']([^"'.][^"']*)["']|import\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:')) continue;
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    const optionalPeers = ['webgpu']; // only dist/node/webgpu.js imports it
    expect([...bare].filter((d) => !optionalPeers.includes(d)).sort()).toEqual(Object.keys(pkg.dependencies ?? {}).sort());
    console.log(`packed ${packedFiles.length} files; runtime imports: ${[...bare].sort().join(', ') || 'none'}`);
  });

  it('plain Node imports every subpath and trains a tiny CNN on the CPU and on WebGPU', async () => {
    const { stdout } = await run(process.execPath, ['node-app.mjs'], { cwd: app, timeout: 120_000 });
    const results = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, TinyResult & {
      reloadedEqual: boolean; isSequential: boolean; subpathOps: typeof SUBPATH_OPS; subpathExports: boolean; core: unknown;
    }>;
    expectTrained(results, 'Node');
    // In Node on SwiftShader the installed package loads its poll throttle (a file of dist/,
    // imported by a variable specifier) and throttles dawn.node's poll during waits.
    expect(results.webgpu.throttled).toBe(true);
    for (const [b, r] of Object.entries(results)) {
      expect(r.core).toEqual(coreSteps(b)); // the main entry alone; init's CPU backend is ./cpu's CpuBackend
      expect(r.subpathOps).toEqual(SUBPATH_OPS); // ./ops on the main entry's tensors, on this backend
      expect(r.subpathExports).toBe(true); // ./pixels, ./kernels, ./profiler
      expect(r.reloadedEqual).toBe(true); // tfjs-format/node save + load and tfjs-format in memory
      expect(r.isSequential).toBe(true); // one Sequential class across the subpaths
    }
  });

  it('an app bundled with esbuild trains in headless Chrome; engine.min.js runs alone, engine-all.min.js trains', async () => {
    const bundle = await build({
      absWorkingDir: app, entryPoints: ['browser-app.js'], bundle: true, format: 'esm', platform: 'browser',
      target: 'es2022', write: false, logLevel: 'silent', metafile: true,
    });
    const js = bundle.outputFiles[0].text;
    // The bundle came from the installed package (its dist/), not from this repository's sources.
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((f) => f.includes(`node_modules/${pkg.name}/dist/engine/`))).toBe(true);
    expect(inputs.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const files: Record<string, [string, string | Buffer]> = {
      '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>consumer</title><script type="module" src="/app.js"></script>'],
      '/app.js': ['text/javascript', js],
      '/min.html': ['text/html', readFileSync(join(app, 'min-page.html'))],
      '/engine.min.js': ['text/javascript', readFileSync(join(installed, 'dist/engine.min.js'))],
      '/engine-cpu.min.js': ['text/javascript', readFileSync(join(installed, 'dist/engine-cpu.min.js'))],
      '/engine-all.min.js': ['text/javascript', readFileSync(join(installed, 'dist/engine-all.min.js'))],
      '/train-tiny.js': ['text/javascript', readFileSync(join(app, 'train-tiny.js'))],
    };
    server = createServer((req, res) => {
      const f = files[req.url ?? ''];
      if (f) res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
      else if (req.url === '/favicon.ico') res.writeHead(204).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const profile = join(work, 'chrome-profile');
    browser = await puppeteer.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', `--user-data-dir=${profile}`],
    });
    const errors: string[] = [];
    const open = async (path: string, fn: string) => {
      const page = await browser!.newPage();
      page.on('pageerror', (e) => errors.push(`${path}: ${String(e)}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`${path}: ${m.text()}`); });
      await page.goto(`http://localhost:${port}${path}`);
      await page.waitForFunction(`typeof window.${fn} === "function"`, { timeout: 30_000 });
      return page.evaluate(`window.${fn}()`) as Promise<Record<string, unknown>>;
    };
    const bundled = await open('/', 'runApp');
    expect(bundled.error ?? null).toBeNull();
    expectTrained(bundled as unknown as Record<string, TinyResult>, 'Chrome, esbuild app');
    for (const b of ['cpu', 'webgpu']) {
      const r = bundled[b] as { reloadedLogits: number[]; originalLogits: number[]; subpathOps: unknown; core: unknown };
      expect(r.reloadedLogits).toEqual(r.originalLogits); // tfjs-format round trip in the page
      expect(r.subpathOps).toEqual(SUBPATH_OPS); // ./ops on the main entry's tensors
      expect(r.core).toEqual(coreSteps(b));
    }
    const min = await open('/min.html', 'runMin');
    expect(min.error ?? null).toBeNull();
    // engine.min.js alone, on both backends (for the CPU it imported engine-cpu.min.js by itself).
    expect(min.core).toEqual({ cpu: coreSteps('cpu'), webgpu: coreSteps('webgpu') });
    expectTrained(min as unknown as Record<string, TinyResult>, 'Chrome, engine-all.min.js');
    expect(min.all).toEqual({ subpathOps: SUBPATH_OPS, hasMain: true }); // engine-all.min.js
    expect(errors).toEqual([]);
  }, 180_000);

  it('TypeScript consumers type-check against the shipped .d.ts (Node and browser), and misuse is a type error', async () => {
    writeFileSync(join(app, 'consumer.ts'), CONSUMER_TS);
    // A second file with a wrong use: the types are real, not any. One tsc run checks both.
    writeFileSync(join(app, 'misuse.ts'), "import { engineTensor } from './consumer.js';\nexport const wrong: string = engineTensor.shape;\n");
    writeFileSync(join(app, 'browser-consumer.ts'), BROWSER_CONSUMER_TS);
    const config = (types: string[], files: string[]) => JSON.stringify({
      compilerOptions: {
        strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'DOM'],
        noEmit: true, skipLibCheck: false, types,
      },
      files,
    });
    writeFileSync(join(app, 'tsconfig.json'), config(['node'], ['consumer.ts', 'misuse.ts']));
    // The browser's subpaths need no Node types.
    writeFileSync(join(app, 'tsconfig.browser.json'), config([], ['browser-consumer.ts']));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const check = (project: string) => run(process.execPath, [tsc, '-p', project], { cwd: app }).then(() => '', (e: { stdout: string }) => e.stdout);
    const [out, browserOut] = await Promise.all([check('tsconfig.json'), check('tsconfig.browser.json')]);
    const errors = out.split('\n').filter((l) => /error TS/.test(l));
    expect(errors, out).toHaveLength(1);
    expect(errors[0]).toMatch(/^misuse\.ts\(2,\d+\): error TS2322: Type '.*' is not assignable to type 'string'/);
    expect(browserOut).toBe('');
  }, 120_000);
});

/** A consumer's TypeScript: every subpath, typed uses, and misuses that must not compile. */
const CONSUMER_TS = `
import { init, matmul, setBackend, tensor, type Backend, type Tensor } from '${pkg.name}';
import { Adam, Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '${pkg.name}/nn';
import { CpuBackend } from '${pkg.name}/cpu';
import { nodeGPU } from '${pkg.name}/node';
import { sqrt, transpose } from '${pkg.name}/ops';
import { defineKernel, type KernelDefinition } from '${pkg.name}/kernels';
import { GpuProfiler } from '${pkg.name}/profiler';
import { modelFromArtifacts, modelToArtifacts, type TfjsArtifacts } from '${pkg.name}/tfjs-format';
import { loadModel, saveModel } from '${pkg.name}/tfjs-format/node';

export async function main(): Promise<number> {
  const backend: Backend = await init({ backend: 'webgpu', gpu: nodeGPU() });
  const model = new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 2 }),
  ]).compile({ optimizer: new Adam({ learningRate: 0.01 }), metrics: ['accuracy'] });
  const history = await model.fit({ values: new Float32Array(64), shape: [1, 8, 8, 1] }, [1], { epochs: 1 });
  const artifacts: TfjsArtifacts = await modelToArtifacts(model);
  const again: Sequential = modelFromArtifacts(artifacts);
  const paths: { modelJson: string; weights: string } = await saveModel(again, 'out');
  const loaded: Sequential = await loadModel(paths.modelJson);
  const device: GPUDevice | undefined = undefined; // WebGPU's types come with the package
  const reference: Backend = new CpuBackend('float64', { gemm: 'js' });
  setBackend(reference);
  // @ts-expect-error: the CPU backend's float types are float32 and float64
  new CpuBackend('float16');
  void device;
  // @ts-expect-error: not a backend
  await init({ backend: 'tpu' });
  // @ts-expect-error: Dense needs units
  new Dense({});
  // @ts-expect-error: fit takes host data, not a number
  await loaded.fit(3, [1]);
  const roots: Tensor = sqrt(transpose(tensor([1, 4], [1, 2]), [1, 0]));
  // @ts-expect-error: transpose takes a permutation, not a string
  transpose(roots, 'yx');
  const kernel: KernelDefinition<'x'> | null = null;
  void [kernel, defineKernel, GpuProfiler];
  void backend;
  return history.history.loss[0];
}
export const engineTensor: Tensor = matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [2, 1]));
`;

/** A page's TypeScript: the browser-safe subpaths only, with no Node types in the program. */
const BROWSER_CONSUMER_TS = `
import { init, noGrad, softmax } from '${pkg.name}';
import type { Sequential } from '${pkg.name}/nn';
import { fromPixels, type FromPixelsOptions } from '${pkg.name}/pixels';
import { modelFromArtifacts, type TfjsArtifacts } from '${pkg.name}/tfjs-format';

export async function classify(canvas: HTMLCanvasElement, device: GPUDevice, artifacts: TfjsArtifacts): Promise<Float32Array> {
  await init({ backend: 'webgpu', device });
  const model: Sequential = modelFromArtifacts(artifacts);
  const options: FromPixelsOptions = { grayscale: true, size: 28 };
  // @ts-expect-error: size is a number or [height, width]
  fromPixels(canvas, { size: '28' });
  return (await noGrad(() => softmax(model.apply(fromPixels(canvas, options)))).data()) as Float32Array;
}
`;
