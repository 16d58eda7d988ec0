/**
 * Every kernel of the table is complete: for each KernelName there is a WebGPU program descriptor
 * in exactly one family (engine/backends/webgpu/kernels/), whose WGSL files exist; a CPU kernel
 * (and the CPU file its facts name); a gradient rule, i.e. an op file that calls the kernel and
 * records a backward rule, or an explicit "no gradient" with its reason; and at least one case of
 * the parity suite that calls it (found by running the cases on a CPU backend that records the
 * kernels it is asked for, so no list kept by hand can drift).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Backend, KernelName } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { kernelIndex, variantPrograms } from '../engine/backends/webgpu/kernels/index.js';
import { TUNED_KERNELS, VARIANTS } from '../engine/backends/webgpu/variants.js';
import { GRID_PRELUDE, isBlocked } from '../engine/backends/webgpu/launch.js';
import { SHADERS } from '../engine/backends/webgpu/shaders.generated.js';
import { opFamilyParityCases } from './helpers/op-family-parity-cases.js';
import { parityCases } from './helpers/webgpu-parity-cases.js';

// The CPU table is exhaustive by its type (KernelTable), so its keys are every KernelName.
const cpu = new CpuBackend('float32');
const names = Object.keys(cpu.kernels).sort() as KernelName[];
const index = kernelIndex();

/** The kernels each parity case calls, recorded by a CPU backend wrapped in a spy. */
async function kernelsCalledByParityCases(): Promise<Map<KernelName, string[]>> {
  const called = new Map<KernelName, string[]>();
  let current = '';
  const base = new CpuBackend('float32');
  const kernels = Object.fromEntries(
    Object.entries(base.kernels).map(([k, f]) => [k, (...args: unknown[]) => {
      const list = called.get(k as KernelName) ?? [];
      if (!list.includes(current)) list.push(current);
      called.set(k as KernelName, list);
      return (f as (...a: unknown[]) => unknown)(...args);
    }]),
  );
  const spy = Object.create(base, { kernels: { value: kernels } }) as Backend;
  for (const c of [...parityCases(false), ...opFamilyParityCases(false)]) {
    current = c.name;
    await c.run(spy);
  }
  return called;
}

it('the WebGPU families and the CPU table name the same kernels', () => {
  expect(Object.keys(index).sort()).toEqual(names);
  expect(names.length).toBeGreaterThanOrEqual(19);
});

describe.each(names.map((k) => [k]))('%s', (k) => {
  it('has a program descriptor whose WGSL exists', () => {
    const entry = index[k];
    expect(entry, `no family claims ${k}`).toBeDefined();
    expect(entry.programs.length).toBeGreaterThan(0);
    for (const p of entry.programs) {
      expect(SHADERS[p.shader], `${entry.family}: program '${p.shader}'`).toBeDefined();
      expect(existsSync(`shaders/${p.shader}.wgsl`)).toBe(true);
      expect(['elementwise', 'matmul', 'conv']).toContain(p.workgroup);
      expect(Object.keys(GRID_PRELUDE)).toContain(p.grid);
      // The grid kind matches the prelude the WGSL includes, and blocked programs declare their block.
      const preludes = GRID_PRELUDE[p.grid];
      expect(SHADERS[p.shader].lines!.some(([, file]) => preludes.some((prelude) => file === `shaders/${prelude}`)), `${p.shader} includes one of ${preludes.join(', ')}`).toBe(true);
      if (isBlocked(p.grid)) expect(SHADERS[p.shader].layout.consts).toMatchObject({ BLOCK_ROWS: expect.any(Number), BLOCK_COLS: expect.any(Number) });
    }
  });

  it('has a CPU kernel', () => {
    expect(typeof cpu.kernels[k]).toBe('function');
    expect(existsSync(index[k].facts.cpu), index[k].facts.cpu).toBe(true);
  });

  it('has a gradient rule or says why not', () => {
    const g = index[k].facts.gradient;
    if (typeof g === 'string') {
      expect(existsSync(g), g).toBe(true);
      const text = readFileSync(g, 'utf8');
      expect(text, `${g} calls kernel ${k}`).toMatch(new RegExp(`\\.${k}\\(`));
      expect(text, `${g} records a backward rule`).toMatch(/\brecord\(/);
    } else {
      expect(g.none.length, `${k}: the reason for no gradient`).toBeGreaterThan(10);
    }
  });
});

it('every kernel is called by at least one parity case', async () => {
  const called = await kernelsCalledByParityCases();
  const missing = names.filter((k) => !called.has(k));
  expect(missing, `kernels no parity case calls: ${missing.join(', ')}`).toEqual([]);
}, 120_000);

describe('the tuned kernels have every variant (engine/backends/webgpu/variants.ts)', () => {
  it.each(TUNED_KERNELS.map((k) => [k]))('%s: blocked, tiled and subgroup programs, each in its family', (k) => {
    const family = index[k].programs;
    for (const v of VARIANTS) {
      const programs = variantPrograms(k, v);
      expect(programs.length, `${k} ${v}`).toBeGreaterThan(0);
      for (const p of programs) {
        expect(family, `${k}'s family lists ${p.shader}`).toContain(p);
        expect(p.variant ?? 'blocked').toBe(v);
        const code = SHADERS[p.shader].code;
        expect(code.includes('enable subgroups;'), `${p.shader}: 'enable subgroups' exactly in the subgroup variants`).toBe(v === 'subgroup');
        if (v === 'blocked') expect(code, `${p.shader}: the blocked variant uses no workgroup memory`).not.toMatch(/var<workgroup>/);
        if (v === 'tiled') expect(code, `${p.shader}: the tiled variant stages data in workgroup memory`).toMatch(/var<workgroup>/);
      }
    }
  });
});
