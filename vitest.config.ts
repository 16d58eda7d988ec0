import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Dawn (the `webgpu` package) reads VK_ICD_FILENAMES when it loads, from the real
// process environment: set it here, before any worker starts. Chromium's package
// ships the SwiftShader Vulkan driver that Dawn can use (see README, "WebGPU in Node").
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
process.env.NODEVICE_SELECT ??= '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: a worker thread's env never reaches the Vulkan loader.
    pool: 'forks',
    // dawn.node busy-polls while a GPU promise is pending; GPU files must not share the 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
