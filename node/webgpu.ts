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

let cached: { gpu: GPU; driver: NodeDriver; clearNewBuffers: boolean } | null = null;

export interface NodeGPUOptions {
  /** The software driver; default WEBGPU_ADAPTER, else VK_ICD_FILENAMES as set, else SwiftShader. */
  adapter?: NodeAdapterName;
  /**
   * Keep Dawn's zero-fill of every buffer on its first use (WebGPU's guarantee). Default false:
   * the engine writes every buffer before it reads it (its pool's reused buffers hold stale data
   * anyway, and the parity suite runs on new buffers filled with NaN to prove it), and in Node the
   * memory is this process's own, so the fill is work for nothing; on lavapipe it was about a
   * quarter of the first training step (issue 11, target 4). Pass true if your own code on this
   * GPU reads buffers it has not written.
   */
  clearNewBuffers?: boolean;
}

/** Dawn's instance toggles for nodeGPU(): the zero-fill of new buffers off unless asked for. */
export function dawnFlags(clearNewBuffers: boolean): string[] {
  return clearNewBuffers ? [] : ['disable-dawn-features=lazy_clear_resource_on_first_use'];
}

export function nodeGPU(options: NodeGPUOptions = {}): GPU {
  if (cached) {
    if (options.adapter !== undefined && options.adapter !== cached.driver.name) {
      throw new Error(
        `nodeGPU({ adapter: '${options.adapter}' }): this process already runs Dawn on '${cached.driver.name}', and the Vulkan loader ` +
          `takes one driver per process; run '${options.adapter}' in a process of its own (WEBGPU_ADAPTER=${options.adapter})`,
      );
    }
    const clear = options.clearNewBuffers ?? cached.clearNewBuffers;
    if (clear !== cached.clearNewBuffers) {
      throw new Error(
        `nodeGPU({ clearNewBuffers: ${clear} }): this process's Dawn instance was made with clearNewBuffers: ${cached.clearNewBuffers}, ` +
          'and its toggles are fixed when it is made; ask for the same setting in every call',
      );
    }
    return cached.gpu;
  }
  // Before create(): Dawn's Vulkan instance reads the driver variables when it is made.
  const driver = applyAdapterEnv(options.adapter);
  Object.assign(globalThis, globals); // GPUBufferUsage and friends, as in a browser
  const clearNewBuffers = options.clearNewBuffers ?? false;
  cached = { gpu: create(dawnFlags(clearNewBuffers)), driver, clearNewBuffers };
  return cached.gpu;
}

/** The driver nodeGPU() chose for this process (null before its first call): benchmarks print it. */
export function nodeDriver(): NodeDriver | null {
  return cached?.driver ?? null;
}
