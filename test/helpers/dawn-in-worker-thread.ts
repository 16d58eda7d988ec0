/**
 * Run in a Node worker thread by test/dawn-worker-thread.test.ts: Dawn (the `webgpu` package)
 * from inside the thread, the engine's WebGPU backend on it, and one matmul read back.
 */
import { parentPort } from 'node:worker_threads';
import { create, globals } from 'webgpu';
import { init } from '../../engine/init.js';
import { matmul } from '../../engine/ops/matmul.js';
import { tensor } from '../../engine/tensor.js';

async function report(): Promise<{ ok: boolean; backend?: string; product?: number[]; why?: string }> {
  // As node/webgpu.ts's nodeGPU() does; the Vulkan driver comes from the process's environment
  // (vitest.config.ts sets SwiftShader's), which the thread shares.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  if (!(await gpu.requestAdapter())) return { ok: false, why: 'requestAdapter() returned null in the worker thread' };
  const backend = await init({ backend: 'webgpu', gpu, log: () => {} });
  const a = tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
  const product = Array.from(await matmul(a, a).data());
  return { ok: true, backend: backend.describe(), product };
}

report().then(
  (r) => parentPort!.postMessage(r),
  (e: unknown) => parentPort!.postMessage({ ok: false, why: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
