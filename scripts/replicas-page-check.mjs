#!/usr/bin/env node
// A check by hand, not part of the suite (it needs `npm run build` first, about a minute):
// fit({ replicas: 2 }) in headless Chromium, the replicas as module Web Workers loading
// dist/engine/distribute/replica-worker.js, beside fit on the page's thread.
// Run: npm run build && node scripts/replicas-page-check.mjs   (NOISO=1: without COOP/COEP headers)
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const page = `<!doctype html><script type="module">
import { CpuBackend, setBackend, Sequential, Dense, Flatten } from '/dist/engine/index.js';
window.result = (async () => {
  setBackend(new CpuBackend('float32'));
  const m = new Sequential([new Flatten({ inputShape: [4, 4] }), new Dense({ units: 3 })], { seed: 1 }).compile();
  const x = { values: Float32Array.from({ length: 64 * 16 }, (_, i) => Math.sin(i)), shape: [64, 4, 4] };
  const y = Int32Array.from({ length: 64 }, (_, i) => i % 3);
  const h2 = await m.fit(x, y, { batchSize: 32, epochs: 2, replicas: 2, verbose: 0 });
  const m1 = new Sequential([new Flatten({ inputShape: [4, 4] }), new Dense({ units: 3 })], { seed: 1 }).compile();
  const h1 = await m1.fit(x, y, { batchSize: 32, epochs: 2, verbose: 0 });
  return { replicas: h2.toJSON().history.loss, single: h1.toJSON().history.loss, isolated: self.crossOriginIsolated };
})().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;
const types = { '.js': 'text/javascript', '.html': 'text/html' };
const server = createServer(async (req, res) => {
  const headers = process.env.NOISO ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  if (req.url === '/') { res.writeHead(200, { ...headers, 'content-type': 'text/html' }); res.end(page); return; }
  try { const body = await readFile(join(root, req.url)); res.writeHead(200, { ...headers, 'content-type': types[extname(req.url)] ?? 'application/octet-stream' }); res.end(body); }
  catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, r));
const browser = await puppeteer.launch({ executablePath: '/usr/lib/chromium/chromium', headless: true, args: ['--headless=new', '--no-sandbox', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'replicas-page-'))}`] });
const p = await browser.newPage();
p.on('pageerror', (e) => console.log('pageerror:', String(e)));
await p.goto(`http://localhost:${server.address().port}/`);
await p.waitForFunction('window.result !== undefined');
console.log(JSON.stringify(await p.evaluate('window.result'), null, 1));
await browser.close();
server.close();
