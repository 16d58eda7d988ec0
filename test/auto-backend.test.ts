/**
 * `--backend auto` in Node (node/auto-backend.ts): the calibration step on the CPU backend here and
 * on every installed driver, each in a process of its own; the fastest wins; the figures are
 * cached in a file per driver and kernels version.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { clearMemoryCache } from '../engine/backends/webgpu/tune-cache.js';
import { candidateDrivers, installedDrivers, measureNodeBackends } from '../node/auto-backend.js';
import { fileStore } from '../node/tune-store.js';

const dir = mkdtempSync(join(tmpdir(), 'auto-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('measures every installed driver unless the process was started for one', () => {
  const installed = installedDrivers();
  expect(installed).toContain('swiftshader');
  expect(candidateDrivers({})).toEqual({ names: installed, fixed: false });
  expect(candidateDrivers({ WEBGPU_ADAPTER: 'lavapipe' })).toEqual({ names: ['lavapipe'], fixed: true });
  expect(candidateDrivers({ VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' })).toEqual({ names: ['swiftshader'], fixed: true });
  expect(() => candidateDrivers({ WEBGPU_ADAPTER: 'voodoo' })).toThrow(/WEBGPU_ADAPTER must be swiftshader or lavapipe, got 'voodoo'/);
});

it('times the CPU here and each driver in its own process, picks the fastest, and caches the figures in the file', async () => {
  clearMemoryCache();
  const store = fileStore(join(dir, 'tuning.json'));
  const lines: string[] = [];
  const r = await measureNodeBackends({ batch: 4, steps: 1, store, env: {}, log: (l) => lines.push(l) });
  const drivers = installedDrivers();
  expect(r.figures.map((f) => f.driver)).toEqual([null, ...drivers]);
  for (const f of r.figures.slice(1)) expect(f.note).toMatch(/measured now in a process of its own/);
  expect(r.best.stepMs).toBe(Math.min(...r.figures.map((f) => f.stepMs)));
  expect(lines.filter((l) => l.includes('<- chosen'))).toHaveLength(1);
  for (const d of drivers) expect(lines.some((l) => new RegExp(`^  webgpu on ${d}: webgpu: .*: [\\d.]+ ms`).test(l)), lines.join('\n')).toBe(true);
  // Cached in the file: a fresh process (memory forgotten) measures nothing.
  expect(Object.keys(JSON.parse(readFileSync(join(dir, 'tuning.json'), 'utf8')))).toHaveLength(1 + drivers.length);
  clearMemoryCache();
  const again = await measureNodeBackends({ batch: 4, steps: 1, store, env: {}, log: () => {} });
  expect(again.figures.every((f) => f.note === 'cached')).toBe(true);
  expect(again.best.what).toBe(r.best.what);
}, 240_000);
