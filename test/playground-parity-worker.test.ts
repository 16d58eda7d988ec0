/**
 * The parity suite's core (test/helpers/webgpu-parity-cases.ts and op-family-parity-cases.ts) inside a dedicated Web Worker in
 * headless Chrome: WebGPU from the worker's navigator.gpu, every case against the CPU backend,
 * as the playground's training worker uses the engine. FAILS when the worker finds no adapter.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import type { BrowserParityReport } from './helpers/browser-parity.js';
import { launchPlaygroundBrowser, type PlaygroundBrowser } from './helpers/playground-browser.js';

let server: Server | null = null;
let chrome: PlaygroundBrowser | null = null;

afterAll(async () => {
  await chrome?.close();
  server?.close();
});

it('runs the parity core on WebGPU inside a Web Worker in headless Chrome', async () => {
  const bundle = await build({
    entryPoints: [join(__dirname, 'helpers/playground-parity-worker.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
  });
  const js = bundle.outputFiles[0].text;
  const html = `<!doctype html><meta charset="utf-8"><title>parity in a worker</title><link rel="icon" href="data:,">
<script type="module">
  window.runParityInWorker = () => new Promise((resolve, reject) => {
    const w = new Worker('/parity-worker.js', { type: 'module' });
    w.onmessage = (e) => { resolve(e.data); w.terminate(); };
    w.onerror = (e) => reject(new Error('worker error: ' + e.message));
    w.postMessage('run');
  });
  document.body.dataset.ready = 'true';
</script>`;
  server = createServer((req, res) => {
    if (req.url === '/parity-worker.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  chrome = await launchPlaygroundBrowser();
  const { page, errors } = await chrome.open(`http://localhost:${(server.address() as AddressInfo).port}/`);
  const report = (await page.evaluate('window.runParityInWorker()')) as BrowserParityReport & { inWorker: boolean };
  console.log(`headless Chrome, in a Web Worker: ${report.adapter ?? 'NO ADAPTER'}; ${report.results.length} parity cases`);
  expect(errors).toEqual([]);
  expect(report.inWorker).toBe(true);
  expect(report.error, 'the worker must find a WebGPU adapter').toBeNull();
  expect(report.adapter).toMatch(/^webgpu: /);
  expect(report.results.length).toBeGreaterThan(300);
  expect(report.results.filter((r) => r.problem !== null)).toEqual([]);
}, 300_000);
