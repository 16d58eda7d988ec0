/**
 * In headless Chrome: the engine bundled with esbuild, served from localhost (WebGPU needs a
 * secure context), driven by puppeteer-core with the system Chromium
 * (--headless=new --no-sandbox --enable-unsafe-webgpu), runs the parity suite's core in the page
 * against the CPU backend. The test FAILS if the page finds no adapter or Chromium is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, expect, it } from 'vitest';
import type { BrowserParityReport } from './helpers/browser-parity.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

let server: Server | null = null;
let browser: Browser | null = null;
const profile = mkdtempSync(join(tmpdir(), 'engine-chrome-'));

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(profile, { recursive: true, force: true });
});

it('runs the parity core on WebGPU in headless Chrome', async () => {
  const bundle = await build({
    entryPoints: [join(__dirname, 'helpers/webgpu-browser-entry.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
  });
  const js = bundle.outputFiles[0].text;
  const html = '<!doctype html><meta charset="utf-8"><title>engine parity</title><script type="module" src="/bundle.js"></script>';
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', `--user-data-dir=${profile}`],
  });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`http://localhost:${port}/`);
  await page.waitForFunction('typeof window.runParity === "function"', { timeout: 30_000 });
  const report = (await page.evaluate('window.runParity()')) as BrowserParityReport;
  console.log(`headless Chrome: ${report.adapter ?? 'NO ADAPTER'}; ${report.results.length} parity cases`);
  expect(pageErrors).toEqual([]);
  expect(report.error, 'the page must find a WebGPU adapter').toBeNull();
  expect(report.adapter).toMatch(/^webgpu: /);
  expect(report.results.length).toBeGreaterThan(100);
  const failed = report.results.filter((r) => r.problem !== null);
  expect(failed).toEqual([]);
}, 300_000);
