/**
 * Does Dawn work inside a Node worker thread? (issue 12: WebGPU replicas would need it.)
 * A worker thread loads the `webgpu` package, gets an adapter, runs the engine's WebGPU
 * backend and reads a matmul back; then it is terminated, and the process carries on.
 */
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';

it('Dawn runs in a Node worker thread: adapter, the WebGPU backend, a matmul read back, a clean terminate', async () => {
  const bootstrap = new URL('../engine/distribute/ts-worker.mjs', import.meta.url);
  const entry = new URL('./helpers/dawn-in-worker-thread.ts', import.meta.url).href;
  const worker = new Worker(bootstrap, { workerData: { entry } });
  const report = await new Promise<{ ok: boolean; backend?: string; product?: number[]; why?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker thread ended (exit code ${code}) before it answered`)));
  });
  console.log(`Dawn in a worker thread: ${report.ok ? report.backend : report.why}`);
  expect(report.why).toBeUndefined();
  expect(report.backend).toMatch(/^webgpu: /);
  expect(report.product).toEqual([7, 10, 15, 22]);
  await worker.terminate();
});
