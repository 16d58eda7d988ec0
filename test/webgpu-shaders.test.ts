/** shaders/*.wgsl are the source; engine/backends/webgpu/shaders.generated.ts must match them. */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('shaders.generated.ts is up to date with shaders/*.wgsl (run node scripts/gen-shaders.mjs)', () => {
  expect(() => execFileSync(process.execPath, ['scripts/gen-shaders.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
});
