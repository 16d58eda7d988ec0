/**
 * fromPixels in headless Chrome (test/helpers/from-pixels-browser-entry.ts): every browser
 * source (ImageData, canvas, OffscreenCanvas, ImageBitmap, VideoFrame, <img>) on WebGPU
 * (copyExternalImageToTexture + a compute pass) gives the CPU backend's result, and the same
 * result as the picture's ImageData, grayscale and RGB, shrunk, enlarged and inverted.
 * (Chrome on SwiftShader cannot copy a VideoFrame into a texture; fromPixels then draws it on a 2D
 * canvas first. The test prints which path this Chrome took.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, expect, it } from 'vitest';
import type { FromPixelsReport } from './helpers/from-pixels-browser-entry.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
let server: Server | null = null;
let browser: Browser | null = null;
const profile = mkdtempSync(join(tmpdir(), 'from-pixels-chrome-'));

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(profile, { recursive: true, force: true });
});

it('every browser pixel source gives the same tensor on WebGPU as on the CPU', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./helpers/from-pixels-browser-entry.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
  });
  const js = bundle.outputFiles[0].text;
  const html = '<!doctype html><meta charset="utf-8"><title>fromPixels</title><script type="module" src="/entry.js"></script>';
  server = createServer((req, res) => {
    if (req.url === '/entry.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', `--user-data-dir=${profile}`],
  });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`http://localhost:${port}/`);
  await page.waitForFunction('typeof window.runFromPixels === "function"', { timeout: 30_000 });
  const report = (await page.evaluate('window.runFromPixels()')) as FromPixelsReport;
  expect(report.error).toBeNull();
  expect(report.adapter).toMatch(/^webgpu: /);
  const worst = (k: 'gpuVsCpu' | 'vsImageData') => Math.max(...report.results.map((r) => r[k]));
  console.log(`headless Chrome (${report.adapter}): ${report.results.length} source x option cases; max |WebGPU - CPU| ${worst('gpuVsCpu').toExponential(1)}, max |source - ImageData| ${worst('vsImageData').toExponential(1)}; VideoFrame copied directly: ${report.videoFrameDirect}`);
  expect(report.results.filter((r) => r.error)).toEqual([]);
  expect(report.results).toHaveLength(24);
  for (const r of report.results) {
    const what = `${r.source} ${r.options}`;
    expect(r.gpuVsCpu, what).toBeLessThan(1e-5);
    expect(r.vsImageData, what).toBeLessThan(1e-5);
    expect(r.spread, what).toBeGreaterThan(0.3);
  }
  const shapes = new Set(report.results.map((r) => `${r.options} ${JSON.stringify(r.shape)}`));
  expect([...shapes].sort()).toEqual([
    '{"grayscale":true,"invert":true,"size":[28,28]} [1,28,28,1]', '{"grayscale":true,"size":28} [1,28,28,1]',
    '{"size":[20,24]} [1,20,24,3]', '{} [1,80,96,3]',
  ]);
  expect(pageErrors).toEqual([]);
}, 180_000);
