/**
 * Does Dawn work inside a Node worker thread? (issue 12: WebGPU replicas would need it.)
 * A worker thread loads the `webgpu` package, gets an adapter, runs the engine's WebGPU
 * backend and reads a matmul back; then it is terminated, and the process carries on.
 * The helper is bundled with esbuild and started from a data: URL, as the replica pool
 * starts its workers from the sources; the `webgpu` package (a native addon) stays an
 * import of its absolute path.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('Dawn runs in a Node worker thread: adapter, the WebGPU backend, a matmul read back, a clean terminate', async () => {
  const webgpu = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./helpers/dawn-in-worker-thread.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'node', target: 'es2022', write: false, logLevel: 'silent',
    plugins: [{ name: 'webgpu-by-path', setup: (b) => b.onResolve({ filter: /^webgpu$/ }, () => ({ path: webgpu, external: true })) }],
  });
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bundle.outputFiles[0].text)}`));
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
