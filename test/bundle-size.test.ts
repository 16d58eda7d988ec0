/**
 * The single-file bundles (dist/engine.min.js, dist/engine-all.min.js; scripts/build.mjs), the
 * package's entries, and their size budgets.
 *
 * Issue 10 asks for at most 80 kB of minified engine JavaScript, with the embedded WGSL text
 * counted apart. What is counted: each bundle is split into the engine's JavaScript and three
 * kinds of generated data, each reported and each held under its own ceiling here:
 * - the WGSL text (apart, as the issue says);
 * - the kernels' bind-group layouts and line maps, which the build reflects from that WGSL and
 *   writes as tuples (data that grows with the kernels, not with the engine's code; before the
 *   build reflected them, a WGSL parser shipped instead);
 * - the CPU backend's WebAssembly module, base64 (machine code made by npm run gen:wasm, not
 *   JavaScript).
 * The JavaScript is everything else, so the four parts add up to the file.
 *
 * The 80 kB target is MISSED for the main entry (about 140 kB, 2026-12-01): JS_CEILING holds it
 * where it is, so it cannot grow unnoticed, and the test prints the distance. The README's
 * "Bundle size" says what the rest is and what would bring it down. Each browser subpath is held
 * to what it adds to the main entry.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SUBPATHS, BUNDLES, SUBPATHS, bundleSizes, formatReport, measureAll, root, type BundleReport } from '../scripts/build.mjs';

/** The target of issue 10 for the main entry's JavaScript (not met: printed, not enforced). */
const JS_TARGET = 80_000;

/**
 * Enforced ceilings in bytes: today's sizes plus a little room, so that growth is a conscious decision.
 * Raised for issue 11's kernel variants (variants.ts): the tiled and subgroup programs of matmul, the
 * three convolutions and sum added about 36 kB of WGSL and 4.5 kB of JavaScript (the variant choice,
 * the calibration behind init's 'auto').
 */
const CEILINGS = {
  // 140.6 kB before issue 14's training controls, 145.7 kB with them (two weight stores in Sequential,
  // CallContext, regularizers in the train step; the new layers themselves are in ./layers), plus
  // issue 11's variant choice and calibration, plus the optimizers, schedules and ReduceLROnPlateau
  // of issue 14, which compile's names pull into the main entry, and Layer.apply's symbolic tensors
  // (the functional API's graph), plus issue 15's augment op, label smoothing and the metrics-log
  // hook (5.8 kB), 2026-12-01.
  // WGSL +19 kB for issue 11's conv and sum programs of 2026-12-01 (conv2d_c1_3x3, the two tap-looped
  // subgroup convolutions, sum_split: 18.7 kB of embedded text together).
  main: { js: 183_000, wgsl: 179_000, layouts: 27_000, wasm: 26_000 },
  // The layers of issue 14 (engine/entries/layers.ts), issue 11's variants and the optimizers, 2026-12-01.
  all: { js: 241_000, wgsl: 181_000, layouts: 27_000, wasm: 26_000 },
  /** What each subpath adds to the main entry (its JavaScript, and for ./pixels its WGSL). */
  subpaths: {
    './ops': { js: 19_000, wgsl: 0 },
    // 13.1 kB with the layers, 34.5 kB with the functional API (Model, input, Add, Concatenate, MultiHeadAttention, PositionEmbedding), 2026-12-01.
    './layers': { js: 36_000, wgsl: 0 },
    './pixels': { js: 6_000, wgsl: 2_500 },
    './kernels': { js: 8_000, wgsl: 0 },
    './profiler': { js: 3_200, wgsl: 0 },
    // Every layer class (and the ops they use) comes with it: a file may hold any of them. 30.5 kB, 2026-12-01.
    './tfjs-format': { js: 32_000, wgsl: 0 },
  } as Record<string, { js: number; wgsl: number }>,
};

let report: BundleReport;

beforeAll(async () => {
  report = await measureAll();
  console.log(formatReport(report));
  console.log(`main entry's largest modules: ${report.main.largest.map((m) => `${m.file} ${(m.bytes / 1000).toFixed(1)} kB`).join(', ')}`);
  console.log(`main entry's JavaScript ${(report.main.js / 1000).toFixed(1)} kB: ${(report.main.js / JS_TARGET).toFixed(2)}x the ${JS_TARGET / 1000} kB target of issue 10`);
}, 60_000);

/** The names a bundle exports (its final `export{...}`). */
function exportedNames(text: string): string[] {
  return /export\s*\{([^}]*)\}\s*;?\s*$/.exec(text)?.[1].split(',').map((e) => e.trim().split(/\s+as\s+/).pop()!) ?? [];
}

describe('the single-file bundles', () => {
  for (const [name, entry] of Object.entries(BUNDLES)) {
    it(`${name} is self-contained and carries its entry's API`, async () => {
      const { text } = await bundleSizes(entry);
      // A <script type="module"> or a CDN serves it alone. (Booleans, not toMatch: a failure
      // would print the whole bundle. The one dynamic import, of the WGSL reflector for
      // shaderOverrides strings, has a variable specifier on purpose: it is not bundled.)
      const leftover = /\bimport\s*["'{*]|\bfrom\s*["'][^"']+["']|\bimport\(\s*["'`]|\brequire\(/.exec(text);
      expect(leftover?.[0] ?? null, 'an import left in the bundle').toBeNull();
      const exported = exportedNames(text);
      for (const n of ['Sequential', 'CpuBackend', 'WebGPUBackend', 'init', 'tidy', 'conv2d', 'Adam']) expect(exported).toContain(n);
      const subpathNames = ['sqrt', 'batchNorm', 'fromPixels', 'defineKernel', 'GpuProfiler'];
      if (name === 'engine.min.js') for (const n of subpathNames) expect(exported).not.toContain(n);
      else for (const n of subpathNames) expect(exported).toContain(n);
    });
  }

  it('the main entry bundles none of the subpaths\' modules', () => {
    const modules = report.main.modules;
    for (const m of ['engine/ops/from-pixels.ts', 'engine/ops/math.ts', 'engine/ops/normalization.ts', 'engine/kernels/define-kernel.ts', 'engine/backends/webgpu/profiler.ts']) {
      expect(modules).not.toContain(m);
    }
  });
});

describe('size budgets (bytes of minified code; the four parts add up to the file)', () => {
  it('the main entry (dist/engine.min.js) stays under its ceilings; the 80 kB target of issue 10 is printed', () => {
    const s = report.main;
    expect(s.js + s.wgsl + s.layouts + s.wasm).toBe(s.total);
    expect(s.wgsl).toBeGreaterThan(50_000); // every kernel's WGSL is in it
    expect(s.layouts).toBeGreaterThan(5_000);
    expect(s.wasm).toBeGreaterThan(10_000);
    for (const [k, ceiling] of Object.entries(CEILINGS.main)) {
      expect(s[k as keyof typeof CEILINGS.main], `main entry ${k}: over its ${ceiling / 1000} kB ceiling`).toBeLessThanOrEqual(ceiling);
    }
  });

  it('dist/engine-all.min.js stays under its ceilings', () => {
    const s = report.all;
    expect(s.js + s.wgsl + s.layouts + s.wasm).toBe(s.total);
    for (const [k, ceiling] of Object.entries(CEILINGS.all)) {
      expect(s[k as keyof typeof CEILINGS.all], `engine-all ${k}: over its ${ceiling / 1000} kB ceiling`).toBeLessThanOrEqual(ceiling);
    }
  });

  it('each browser subpath adds no more than its ceiling to the main entry', () => {
    expect(Object.keys(report.subpaths).sort()).toEqual([...BROWSER_SUBPATHS].sort());
    expect(Object.keys(CEILINGS.subpaths).sort()).toEqual([...BROWSER_SUBPATHS].sort());
    for (const [subpath, s] of Object.entries(report.subpaths)) {
      expect(s.js, `${subpath} adds no JavaScript: it is not apart from the main entry`).toBeGreaterThan(1_000);
      expect(s.modules.length).toBeGreaterThan(0);
      // A subpath brings no kernel layouts and no WebAssembly: those are the backends', in the main entry
      // (./pixels' WGSL module adds a few bytes of declaration around its text).
      expect(s.layouts).toBeLessThan(100);
      expect(s.wasm).toBe(0);
      const c = CEILINGS.subpaths[subpath];
      expect(s.js, `${subpath} JavaScript: over its ${c.js / 1000} kB ceiling`).toBeLessThanOrEqual(c.js);
      expect(s.wgsl, `${subpath} WGSL: over its ${c.wgsl / 1000} kB ceiling`).toBeLessThanOrEqual(c.wgsl);
    }
  });
});

/** Every name (value or type) a module exports, from the type checker. */
function exportsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(root, file));
  if (!source) throw new Error(`${file}: not in the program`);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).map((s) => s.name);
}

it('the package\'s entries split engine/index.ts exactly: each export in one entry, none missing', () => {
  const entries = readdirSync(join(root, 'engine/entries')).filter((f) => f.endsWith('.ts')).map((f) => `engine/entries/${f}`);
  // Every entry file is a subpath of the package.
  expect(entries.sort()).toEqual(Object.values(SUBPATHS).filter((f) => f.startsWith('engine/entries/')).sort());
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), (p) => readFileSync(p, 'utf8')).config, ts.sys, root);
  // Exports resolve through the modules alone: no standard library or @types needed (much faster).
  const program = ts.createProgram([join(root, 'engine/index.ts'), ...entries.map((e) => join(root, e))], {
    ...config.options, noEmit: true, noLib: true, types: [], noResolve: false,
  });
  const owner = new Map<string, string>();
  for (const e of entries) {
    for (const name of exportsOf(program, e)) {
      expect(owner.get(name), `${name} is exported by ${owner.get(name)} and ${e}`).toBeUndefined();
      owner.set(name, e);
    }
  }
  const all = exportsOf(program, 'engine/index.ts');
  const missing = all.filter((n) => !owner.has(n));
  expect(missing, 'exported by engine/index.ts but by no entry of the package (add each to engine/entries/main.ts or a subpath entry)').toEqual([]);
  expect([...owner.keys()].filter((n) => !all.includes(n)), 'exported by an entry but not by engine/index.ts').toEqual([]);
}, 60_000);
