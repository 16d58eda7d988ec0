/**
 * shaders/*.wgsl are the source; engine/backends/webgpu/shaders.generated.ts must match them. The
 * generator's two text features, `#include` and `#storage`, keep a line map: an expanded line is
 * reported as the file and line it was written on (the compile error path is checked on a real
 * adapter in test/webgpu-parity.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locate } from '../engine/backends/webgpu/shader-layout.js';
import { SHADERS, type ShaderName } from '../engine/backends/webgpu/shaders.generated.js';
import { expand, kernelNames, storageDeclarations } from '../scripts/gen-shaders.mjs';

it('shaders.generated.ts is up to date with shaders/*.wgsl (run node scripts/gen-shaders.mjs)', () => {
  expect(() => execFileSync(process.execPath, ['scripts/gen-shaders.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
});

describe('scripts/gen-shaders.mjs', () => {
  it('#storage(first) declares its buffers at bindings first, first + 1, ... with their access and element type', () => {
    expect(storageDeclarations(2, 'read labels: i32, read_write probs: vec4<f32>, read_write err: atomic<u32>', 'k.wgsl:3')).toEqual([
      '@group(0) @binding(2) var<storage, read> labels: array<i32>;',
      '@group(0) @binding(3) var<storage, read_write> probs: array<vec4<f32>>;',
      '@group(0) @binding(4) var<storage, read_write> err: array<atomic<u32>>;',
    ]);
  });

  it('maps each expanded line to the file and line it was written on, through includes and #storage', () => {
    const text = [
      '// a kernel',
      '#include "include/elements.wgsl"',
      'struct Params { n: u32, }',
      '#storage(1) read x: f32, read_write y: f32',
      'fn element(i: u32) { y[i] = x[i]; }',
      '// a later comment',
    ].join('\n');
    const { code, lines } = expand('t', text, 'shaders/t.wgsl');
    const rows = code.split('\n');
    const at = (needle: string) => locate(lines, rows.findIndex((r) => r.includes(needle)) + 1, 'shaders/t.wgsl');
    const lineOf = (file: string, needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((r) => r.includes(needle)) + 1;
    // Two levels of includes: elements.wgsl includes workgroup-1d.wgsl.
    const from = (file: string, needle: string) => expect(at(needle)).toEqual({ file, line: lineOf(file, needle) });
    from('shaders/include/elements.wgsl', 'const GRID_STRIDE');
    from('shaders/include/elements.wgsl', '@compute @workgroup_size(WG)');
    from('shaders/include/workgroup-1d.wgsl', 'var<uniform> p: Params;');
    expect(at('struct Params')).toEqual({ file: 'shaders/t.wgsl', line: 3 });
    expect(at('var<storage, read> x: array<f32>;')).toEqual({ file: 'shaders/t.wgsl', line: 4 });
    expect(at('var<storage, read_write> y: array<f32>;')).toEqual({ file: 'shaders/t.wgsl', line: 4 });
    expect(at('fn element(i: u32)')).toEqual({ file: 'shaders/t.wgsl', line: 5 });
    // The kernel's header comment is left out (its segment starts after it, as an include's
    // does), its later comments stay; an include's become empty lines (same line numbers, fewer bytes).
    expect(code).not.toContain('// a kernel');
    expect(code).toContain('// a later comment');
    expect(code).not.toContain('// Entry point of the element-wise kernels');
  });

  it('refuses a #storage item it cannot read, a binding declared twice and a missing include, naming the line', () => {
    expect(() => expand('t', '#storage(1) read x: f32, y: f32', 'shaders/t.wgsl')).toThrow(
      'shaders/t.wgsl:1: #storage: cannot read "y: f32" (expected ACCESS NAME: ELEMENT with ACCESS read or read_write, e.g. "read x: f32")',
    );
    expect(() => expand('t', '#include "include/rows.wgsl"\n#storage(1) read_write y: f32', 'shaders/t.wgsl')).toThrow(
      `shaders/t.wgsl:2: binding 1 is declared already at shaders/include/rows.wgsl:`,
    );
    expect(() => expand('t', '\n#include "include/nope.wgsl"', 'shaders/t.wgsl')).toThrow('shaders/t.wgsl:2: #include "include/nope.wgsl": no file shaders/include/nope.wgsl');
  });

  it('every kernel and include declares its storage buffers with #storage (the embedded text has them in full)', () => {
    const files = [...kernelNames().map((n) => `shaders/${n}.wgsl`), ...readdirSync('shaders/include').map((f) => `shaders/include/${f}`)];
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/^\s*@group\(0\) @binding\(\d+\) var<storage/m);
    for (const name of kernelNames()) {
      const storage = SHADERS[name as ShaderName].layout.bindings.filter((b) => b.kind !== 'uniform');
      for (const b of storage) expect(SHADERS[name as ShaderName].code, `${name}: ${b.name}`).toContain(`@group(0) @binding(${b.binding}) var<storage`);
    }
  });
});
