/**
 * What the three vitest configs share. `npm test` runs vitest.config.ts (every file, WebGPU on
 * SwiftShader) and then vitest.lavapipe.config.ts (the WebGPU parity and learning files again, on
 * lavapipe); `npm run test:quick` runs vitest.quick.config.ts.
 */
import { configDefaults, defineConfig, type ViteUserConfig } from 'vitest/config';
import { applyAdapterEnv, type NodeAdapterName } from './node/webgpu-adapter.js';

/** The files that run on every software adapter: add a WebGPU parity or learning file here. */
export const EVERY_ADAPTER_FILES = [
  'test/webgpu-parity.test.ts', // every kernel against the CPU backend
  'test/custom-kernel.test.ts', // defineKernel's parity helper on its worked example
  'test/webgpu-nan-labels.test.ts', // NaN through max/ReLU: WGSL leaves it to the driver
  'test/webgpu-train-step.test.ts', // a training step, and learning, on WebGPU
  'test/node-adapter.test.ts', // the run really is on the driver it asked for
];

/** Left out of `npm run test:quick` (the README, "The two commands", lists them). */
export const SLOW_FILES = [
  'test/webgpu-browser.test.ts', // headless Chrome
  'test/bench-page.test.ts', // headless Chrome
  'test/playground.test.ts', // headless Chrome
  'test/playground-parity-worker.test.ts', // headless Chrome
  'test/from-pixels-browser.test.ts', // headless Chrome
  'test/package.test.ts', // npm pack, a fresh install, Node and headless Chrome
  'test/soak.test.ts', // 300 training steps on the CPU and on WebGPU
  'test/crash-safety.test.ts', // kills training processes mid-epoch and mid-write
  'test/learning-cpu.test.ts', // trains on 2,000 images
  'test/learning-functional.test.ts', // trains two functional models on 2,000 images
  'test/recipes.test.ts', // trains each recipe on 600 images
  'test/webgpu-train-step.test.ts', // a training step and 2 epochs on WebGPU
];

/**
 * A config whose test processes run WebGPU on `adapter` (or, when undefined, on what
 * WEBGPU_ADAPTER / VK_ICD_FILENAMES / the default gives). The driver's variables go into this
 * process's environment here, before any test process is forked, so each one starts with them:
 * LD_LIBRARY_PATH only takes effect that way (node/webgpu-adapter.ts).
 */
export function testConfig(opts: { adapter?: NodeAdapterName; include?: string[]; exclude?: string[] }): ViteUserConfig {
  if (opts.adapter) process.env.WEBGPU_ADAPTER = opts.adapter;
  applyAdapterEnv(opts.adapter);
  return defineConfig({
    test: {
      include: opts.include ?? ['test/**/*.test.ts'],
      exclude: [...configDefaults.exclude, ...(opts.exclude ?? [])],
      // Forks, not threads: a worker thread's env never reaches the Vulkan loader; and each file
      // gets a fresh process (isolate), so a file never inherits another file's Dawn instance.
      pool: 'forks',
      // dawn.node busy-polls while a GPU promise is pending; GPU files must not share the 2 cores.
      fileParallelism: false,
      // Guards against hangs, not speed: on 2 cores shared with other work, learning-cpu's 3-epoch
      // test took 148 s (load average 14), over the former 120 s.
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  });
}
