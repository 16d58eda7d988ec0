/**
 * The single-file bundle (dist/engine.min.js, scripts/build.mjs) and its size budget.
 *
 * Issue 10 asks for at most 80 kB of minified engine JavaScript. That target is MISSED today: the
 * op families of issue 13 took the JavaScript from 108 kB to about 215 kB (2026-12-01). Until a
 * lighter entry point exists, this test holds the line where it is (JS_CEILING), so the bundle
 * cannot grow unnoticed, and prints how far it is from the 80 kB target. Lower JS_CEILING as it
 * shrinks; the README's "Bundle size" section says the same. The embedded WGSL text is counted
 * and reported apart, with the gzip size of the whole file. The kernels' reflected layouts and
 * line maps (data generated beside the WGSL) are JavaScript and count against the budget; their
 * share is printed. The bundle is also checked to be
 * self-contained (no import left) and to carry the public API.
 */
import { expect, it } from 'vitest';
import { bundleEngine, formatSizes } from '../scripts/build.mjs';

/** The target of issue 10 (not met yet; printed, not enforced). */
const JS_TARGET = 80_000;
/**
 * Enforced: today's size plus a little room, so growth is a conscious decision. Raised from 230 kB
 * for issue 14 (2026-12-01): its layers took the JS to 222.6 kB, the functional API with
 * MultiHeadAttention to 240.1 kB.
 */
const JS_CEILING = 245_000;

it('the minified engine bundle stays under its JavaScript ceiling (WGSL and gzip reported; the 80 kB target is printed)', async () => {
  const { code, sizes } = await bundleEngine();
  console.log(formatSizes(sizes));
  console.log(`largest modules: ${sizes.largest.map((m) => `${m.file} ${(m.bytes / 1000).toFixed(1)} kB`).join(', ')}`);
  const text = new TextDecoder().decode(code);
  // Self-contained: a <script type="module"> or a CDN serves it alone.
  // (Booleans, not toMatch: a failure would print the whole bundle.)
  // (The one dynamic import, of the WGSL reflector for shaderOverrides strings, has a variable
  // specifier on purpose: it is not bundled, and fails with a clear error where it is missing.)
  const leftover = /\bimport\s*["'{*]|\bfrom\s*["'][^"']+["']|\bimport\(\s*["'`]|\brequire\(/.exec(text);
  expect(leftover?.[0] ?? null, 'an import left in the bundle').toBeNull();
  const exported = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(text)?.[1].split(',').map((e) => e.trim().split(/\s+as\s+/).pop()) ?? [];
  for (const name of ['Sequential', 'CpuBackend', 'WebGPUBackend', 'init', 'fromPixels', 'tidy']) expect(exported).toContain(name);
  expect(sizes.wgsl).toBeGreaterThan(10_000); // the kernels are in it
  expect(sizes.js + sizes.wgsl).toBe(sizes.total);
  expect(sizes.shaderMetadata).toBeGreaterThanOrEqual(0);
  console.log(`JavaScript ${(sizes.js / 1000).toFixed(1)} kB: ${(sizes.js / JS_TARGET).toFixed(2)}x the ${JS_TARGET / 1000} kB target of issue 10`);
  expect(sizes.js, `${formatSizes(sizes)}: over the ${JS_CEILING / 1000} kB ceiling`).toBeLessThanOrEqual(JS_CEILING);
});
