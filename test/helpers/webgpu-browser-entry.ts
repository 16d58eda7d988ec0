/**
 * The page side of the headless-Chrome test: runs the parity suite's core (browser-parity.ts) on
 * WebGPU from navigator.gpu against the CPU backend, in the page, and exposes the outcome as
 * window.runParity(). Bundled by esbuild in test/webgpu-browser.test.ts.
 */
import { runBrowserParity, type BrowserParityReport } from './browser-parity.js';

const runParity = (): Promise<BrowserParityReport> => runBrowserParity((navigator as Navigator & { gpu?: GPU }).gpu, '');

(window as unknown as { runParity: typeof runParity }).runParity = runParity;
