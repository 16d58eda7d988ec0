/**
 * A dedicated Web Worker that runs the parity suite's core (browser-parity.ts, as the page test
 * webgpu-browser.test.ts does) on WebGPU from the worker's own navigator.gpu against the CPU
 * backend, and posts the outcome. Bundled by esbuild in test/playground-parity-worker.test.ts.
 */
import { runBrowserParity, type BrowserParityReport } from './browser-parity.js';

async function runParity(): Promise<BrowserParityReport & { inWorker: boolean }> {
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' && typeof (globalThis as { document?: unknown }).document === 'undefined';
  return { inWorker, ...(await runBrowserParity((navigator as Navigator & { gpu?: GPU }).gpu, ' in the worker')) };
}

self.addEventListener('message', () => {
  runParity().then(
    (report) => self.postMessage(report),
    (e: unknown) => self.postMessage({ inWorker: true, adapter: null, error: `worker: ${String(e)}`, results: [] }),
  );
});
