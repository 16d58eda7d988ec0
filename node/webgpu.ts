/// <reference types="@webgpu/types" preserve="true" />
/**
 * Node only: a `navigator.gpu` equivalent from the `webgpu` package (Google's Dawn). It needs a
 * Vulkan driver; on machines without a GPU it runs on a software one, chosen per process with
 * nodeGPU({ adapter }) or WEBGPU_ADAPTER: `swiftshader` (Chromium's, the default) or `lavapipe`
 * (Mesa 25, from scripts/setup.sh). node/webgpu-adapter.ts says how the choice reaches the loader.
 * Kept out of engine/ so the engine bundle stays browser-clean.
 *
 * @module webgpu-tensor-engine/node
 */
import { create, globals } from 'webgpu';
import { applyAdapterEnv, type NodeAdapterName, type NodeDriver } from './webgpu-adapter.js';

export type { NodeAdapterName, NodeDriver } from './webgpu-adapter.js';

let cached: { gpu: GPU; driver: NodeDriver } | null = null;

export interface NodeGPUOptions {
  /** The software driver; default WEBGPU_ADAPTER, else VK_ICD_FILENAMES as set, else SwiftShader. */
  adapter?: NodeAdapterName;
}

export function nodeGPU(options: NodeGPUOptions = {}): GPU {
  if (cached) {
    if (options.adapter !== undefined && options.adapter !== cached.driver.name) {
      throw new Error(
        `nodeGPU({ adapter: '${options.adapter}' }): this process already runs Dawn on '${cached.driver.name}', and the Vulkan loader ` +
          `takes one driver per process; run '${options.adapter}' in a process of its own (WEBGPU_ADAPTER=${options.adapter})`,
      );
    }
    return cached.gpu;
  }
  // Before create(): Dawn's Vulkan instance reads the driver variables when it is made.
  const driver = applyAdapterEnv(options.adapter);
  Object.assign(globalThis, globals); // GPUBufferUsage and friends, as in a browser
  cached = { gpu: create([]), driver };
  return cached.gpu;
}

/** The driver nodeGPU() chose for this process (null before its first call): benchmarks print it. */
export function nodeDriver(): NodeDriver | null {
  return cached?.driver ?? null;
}
