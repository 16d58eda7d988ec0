/// <reference types="@webgpu/types" preserve="true" />
/**
 * Node only: a `navigator.gpu` equivalent from the `webgpu` package (Google's Dawn). It needs a
 * Vulkan driver; on machines without a GPU, Chromium's SwiftShader driver works:
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (set here when unset and present,
 * which works in the main thread and in forked processes, not in worker threads).
 * Kept out of engine/ so the engine bundle stays browser-clean.
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

let cached: GPU | null = null;

export function nodeGPU(): GPU {
  if (cached) return cached;
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  process.env.NODEVICE_SELECT ??= '1';
  Object.assign(globalThis, globals); // GPUBufferUsage and friends, as in a browser
  cached = create([]);
  return cached;
}
