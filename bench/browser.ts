/**
 * Node side of the benchmark page: bundles bench/page/main.ts with esbuild, serves it from
 * http://localhost (a secure context, which WebGPU needs) with TensorFlow.js's wasm binaries, and
 * drives the system Chromium through puppeteer-core (--headless=new --no-sandbox
 * --enable-unsafe-webgpu, a fresh profile, GPU timestamps unquantized).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import type { BenchResults } from './suites.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
export const CHROME_ARGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run',
  // Chrome quantizes timestamp queries to 100 us by default; benchmarks want them exact.
  '--enable-dawn-features=allow_unsafe_apis', '--disable-dawn-features=timestamp_quantization',
];

export async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'page/main.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, minify: true, logLevel: 'error',
    // tfjs-backend-wasm mentions Node modules behind runtime checks.
    external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto'],
  });
  return out.outputFiles[0].text;
}

/** Serves the page at http://localhost:PORT/ until close(). */
export async function serveBenchPage(port = 0): Promise<{ url: string; close: () => void; server: Server }> {
  const js = await bundlePage();
  const html = readFileSync(join(here, 'page/index.html'), 'utf8');
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    // Cross-origin isolated, so the page has SharedArrayBuffer: the CPU backend keeps its tensors in wasm memory.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (path === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (path.startsWith('/tfjs-wasm/') && /^[\w.-]+\.wasm$/.test(path.slice(11))) {
      try {
        res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(join(wasmDir, path.slice(11))));
      } catch {
        res.writeHead(404).end();
      }
    } else if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  return { url, server, close: () => server.close() };
}

export interface BenchPage {
  url: string;
  /** Runs the suites in the page with URL-style parameters; resolves with the results. */
  run(query: string, timeoutMs?: number): Promise<BenchResults>;
  /** Console lines and page errors seen so far. */
  readonly console: string[];
  readonly pageErrors: string[];
}

export async function withBenchPage<R>(fn: (page: BenchPage) => Promise<R>): Promise<R> {
  const served = await serveBenchPage();
  const profile = mkdtempSync(join(tmpdir(), 'bench-chrome-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true, args: [...CHROME_ARGS, `--user-data-dir=${profile}`], protocolTimeout: 0,
  });
  try {
    const page = await browser.newPage();
    const consoleLines: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(served.url);
    await page.waitForFunction('typeof window.bench?.run === "function"', { timeout: 60_000 });
    return await fn({
      url: served.url,
      console: consoleLines,
      pageErrors,
      run: async (query, timeoutMs = 3_600_000) => {
        page.setDefaultTimeout(timeoutMs);
        return (await page.evaluate((q: string) => (window as unknown as { bench: { run(q: string): Promise<BenchResults> } }).bench.run(q), query)) as BenchResults;
      },
    });
  } finally {
    await browser.close();
    served.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
