/**
 * The benchmark page (bench/page, bundled by esbuild, served from localhost) in headless Chrome
 * (system Chromium via puppeteer-core): it finds an adapter, runs one small suite end to end
 * (conv1's kernels at batch 1 and the per-kernel timeline of one training step at batch 1, on this
 * engine's WebGPU backend, and the training step at batch 1 with a start as the train CLI makes it:
 * a fresh device, the traced step's pipelines, the first step) and returns well-formed JSON, with GPU timestamps where the adapter
 * reports 'timestamp-query'. Fails when Chromium or an adapter is missing.
 */
import { expect, it } from 'vitest';
import { withBenchPage } from '../bench/browser.js';
import { SCHEMA, validateResults, type BenchResults } from '../bench/suites.js';

it('runs a small suite in the benchmark page and returns well-formed results', async () => {
  let res: BenchResults | null = null;
  let pageErrors: string[] = [];
  await withBenchPage(async (page) => {
    res = await page.run('suites=kernels,step,timeline&backends=webgpu&batches=1&stepBatches=1&reps=2&filter=conv1&timelineBatch=1', 120_000);
    pageErrors = [...page.pageErrors];
  });
  const r = res as unknown as BenchResults;
  expect(pageErrors).toEqual([]);
  expect(validateResults(r)).toEqual([]);
  expect(r.schema).toBe(SCHEMA);
  expect(r.environment).toBe('browser');
  expect(r.errors).toEqual([]);
  // An adapter, described.
  expect(r.adapter, 'the page must find a WebGPU adapter').not.toBeNull();
  const a = r.adapter!;
  expect(a.name).toMatch(/^webgpu: /);
  expect(typeof a.isFallbackAdapter).toBe('boolean');
  expect(a.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThan(0);
  expect(a.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  // conv1's cases (fwd, relu bwd, filter bwd, bias bwd), each with counts and throughput.
  const kernels = r.results.filter((x) => x.suite === 'kernels');
  expect(kernels.map((x) => x.name)).toEqual(['conv1 fwd conv+bias+relu', 'conv1 bwd relu', 'conv1 bwd filter', 'conv1 bwd bias']);
  for (const k of kernels) {
    expect(k.backend).toBe('webgpu');
    expect(k.reps).toBe(2);
    expect(k.flops).toBeGreaterThan(0);
    expect(k.gflops).not.toBeNull();
    expect(k.firstMs).not.toBeNull();
  }
  // The step, and the start on a second device: only the traced step's pipelines compiled.
  const steps = r.results.filter((x) => x.suite === 'step');
  expect(steps.map((x) => [x.backend, x.batch])).toEqual([['webgpu', 1]]);
  const start = steps[0].start!;
  expect(start, 'the step row times a start').toBeTruthy();
  for (const k of ['deviceMs', 'precompileMs', 'firstMs'] as const) expect(start[k]).toBeGreaterThan(0);
  expect(start.pipelines).toBeGreaterThanOrEqual(10);
  // The timeline: the dispatches of one training step, in order.
  expect(r.timelines).toHaveLength(1);
  const t = r.timelines[0];
  expect(t.dispatches.length).toBeGreaterThan(20);
  expect(t.dispatches.map((d) => d.index)).toEqual(t.dispatches.map((_, i) => i));
  expect(t.dispatches.some((d) => d.kernel === 'adam')).toBe(true);
  expect(t.dispatches.some((d) => d.op === 'conv2dBackpropFilter')).toBe(true);
  // GPU timestamps exactly when the adapter has the feature; every figure says which it is.
  const want = a.timestampQuery ? 'gpu-timestamp' : 'wall';
  expect(a.features.includes('timestamp-query')).toBe(a.timestampQuery);
  for (const k of kernels) expect(k.source).toBe(want);
  expect(t.source).toBe(want);
  for (const d of t.dispatches) expect(d.source).toBe(want);
  if (a.timestampQuery) {
    expect(t.totalMs).toBeGreaterThan(0);
    for (const k of kernels) expect(k.wallMedianMs).not.toBeNull();
  }
  console.log(`bench page: ${a.name}; ${want}; conv1 fwd b1 ${kernels[0].medianMs.toFixed(3)} ms; step timeline ${t.dispatches.length} dispatches, ${t.totalMs.toFixed(1)} ms`);
}, 180_000);
