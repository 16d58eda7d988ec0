/**
 * The suites in Node (`npm run bench:node`): this engine's WebGPU backend through Dawn
 * (node/webgpu.ts), its CPU backend, and TensorFlow.js's cpu and wasm backends; tfjs's webgpu
 * backend is tried with Dawn as navigator.gpu and reported as an error where it does not start.
 */
import os from 'node:os';
import { nodeGPU } from '../node/webgpu.js';
import { runSuites, type BenchParams, type BenchResults } from './suites.js';

export async function runInNode(params: BenchParams, log: (l: string) => void): Promise<BenchResults> {
  const gpu = nodeGPU();
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  if (params.backends.includes('tfjs-webgpu')) {
    const g = globalThis as { navigator?: { gpu?: GPU } };
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  return runSuites(
    { gpu, tf, environment: 'node', userAgent: `Node ${process.version}; ${os.cpus()[0]?.model ?? 'CPU'} x${os.cpus().length}`, log },
    params,
  );
}
