/** The engine is browser-safe: engine/index.ts bundles for the browser with no Node built-ins. */
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('engine/index.ts bundles for the browser without Node imports', async () => {
  const result = await build({
    entryPoints: ['engine/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0].text;
  expect(code.length).toBeGreaterThan(100_000);
  expect(code).not.toMatch(/from\s*["']node:|require\(["'](node:)?(fs|path|zlib|crypto|os|child_process)["']\)/);
  // The public API is there.
  for (const name of ['Sequential', 'CpuBackend', 'WebGPUBackend', 'init', 'tidy', 'conv2d']) expect(code).toContain(name);
});
