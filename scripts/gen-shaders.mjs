#!/usr/bin/env node
// Builds engine/backends/webgpu/shaders.generated.ts from shaders/*.wgsl (one file per kernel,
// the source of truth), so the engine needs no file system and no WGSL parser at run time:
//
// 1. Includes. A line `#include "include/NAME.wgsl"` is replaced by that file (paths relative to
//    shaders/; each file at most once per kernel, nested includes allowed). The shared preludes
//    (entry points with the folded workgroup index, row loops, the conv parameter block, ...)
//    live once in shaders/include/; their comments are left out of the embedded text (leading
//    ones) or emptied (the rest, so line numbers hold).
//    WGSL's module scope is order-independent, so an include may use the kernel's `struct
//    Params` and functions declared after it.
// 2. Storage bindings. A line `#storage(1) read x: f32, read_write y: vec4<f32>` becomes one
//    `@group(0) @binding(N) var<storage, ACCESS> NAME: array<ELEMENT>;` per item, N counting from
//    the number in parentheses. Why a directive and not binding-set includes: a kernel's buffer
//    list is its own (few kernels share one), so includes would fold only the rare shared sets
//    and leave the `@group(0) @binding(n) var<storage, ...>` boilerplate in every other file;
//    one line per kernel states the interface where the kernel is read, the expanded text is
//    the same WGSL as written out by hand (so wgsl_reflect below and the adapters see plain
//    declarations). The first number is written, not counted across includes, so reordering
//    includes never renumbers a kernel. A binding number used twice in a kernel is refused
//    here, naming both lines.
//    Both steps keep a line map, so a compile error names the .wgsl file and the line it was
//    written on (a `#storage` line's declarations are written on one line, so they keep its
//    place), not a line of the expanded text.
// 3. Reflection. Each expanded kernel is reflected with wgsl_reflect
//    (engine/backends/webgpu/reflect-layout.ts): bind-group layout, uniform members, and its
//    `const NAME: u32 = 8u;` declarations (the launch reads block sizes from there, so each
//    number lives once, in the shader).
//
// Run after editing a shader: `npm run gen:shaders`. test/webgpu-shaders.test.ts fails when the
// generated file is stale. `--check` exits 1 instead of writing.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'shaders');
const target = join(root, 'engine/backends/webgpu/shaders.generated.ts');

const INCLUDE = /^#include\s+"([^"]+)"\s*$/;
const STORAGE = /^#storage\((\d+)\)\s+(\S.*)$/;
const BUFFER = /^(read|read_write)\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z_][A-Za-z0-9_<>]*)$/;
/** Preludes the runtime composes kernels from (engine/kernels/define-kernel.ts), embedded expanded. */
const EXPORTED_PRELUDES = ['include/elements.wgsl'];

/**
 * The WGSL of a `#storage(FIRST) ACCESS NAME: ELEMENT, ...` line: one storage buffer
 * `NAME: array<ELEMENT>` per item, at bindings FIRST, FIRST + 1, ... of group 0. `where` names
 * the line in errors.
 */
export function storageDeclarations(first, spec, where) {
  return spec.split(',').map((item, k) => {
    const m = BUFFER.exec(item.trim());
    if (!m) {
      throw new Error(`${where}: #storage: cannot read "${item.trim()}" (expected ACCESS NAME: ELEMENT with ACCESS read or read_write, e.g. "read x: f32")`);
    }
    return `@group(0) @binding(${first + k}) var<storage, ${m[1]}> ${m[2]}: array<${m[3]}>;`;
  });
}

/**
 * Expands the includes and `#storage` lines of one kernel. `text` defaults to shaders/NAME.wgsl;
 * `file` is the name used in the line map. Returns { code, lines } with
 * lines = [[expandedLine, file, fileLine], ...]: segment k maps expanded lines from its start on
 * to consecutive lines of `file`. A `#storage` line becomes its declarations on one line, so it
 * keeps its place in the map.
 */
export function expand(name, text = readFileSync(join(dir, `${name}.wgsl`), 'utf8'), file = `shaders/${name}.wgsl`) {
  const out = [];
  const lines = [];
  const seen = new Set();
  const bindings = new Map(); // binding number -> the line that declares it, to refuse a second one
  const walk = (src, srcFile, stack) => {
    const rows = src.endsWith('\n') ? src.slice(0, -1).split('\n') : src.split('\n');
    let segmentOpen = false;
    rows.forEach((row, i) => {
      const where = `${srcFile}:${i + 1}`;
      const m = INCLUDE.exec(row.trim());
      if (m) {
        segmentOpen = false;
        const inc = `shaders/${m[1]}`;
        if (stack.includes(inc)) throw new Error(`${where}: include cycle through ${inc}`);
        const path = join(root, inc);
        if (!existsSync(path)) throw new Error(`${where}: #include "${m[1]}": no file ${inc}`);
        if (seen.has(inc)) return; // already included once in this kernel
        seen.add(inc);
        walk(readFileSync(path, 'utf8'), inc, [...stack, inc]);
        return;
      }
      const storage = STORAGE.exec(row.trim());
      const code = storage ? storageDeclarations(Number(storage[1]), storage[2], where).join(' ') : row;
      // A prelude's comments are read in shaders/include/, not once per kernel in the bundle:
      // those before its first line of code are left out (its segment starts after them), the
      // others become empty lines, which keeps every line number.
      const isComment = row.trimStart().startsWith('//');
      const comment = srcFile !== file && (isComment || row.trim() === '');
      if (comment && !segmentOpen) return;
      for (const b of isComment ? [] : code.matchAll(/@binding\((\d+)\)/g)) {
        if (bindings.has(b[1])) throw new Error(`${where}: binding ${b[1]} is declared already at ${bindings.get(b[1])}`);
        bindings.set(b[1], where);
      }
      if (!segmentOpen) lines.push([out.length + 1, srcFile, i + 1]);
      segmentOpen = true;
      out.push(comment ? '' : code);
    });
  };
  walk(text, file, [file]);
  return { code: out.join('\n') + '\n', lines };
}

export function kernelNames() {
  return readdirSync(dir).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -5)).sort();
}

/** The compact form decodeShaders() reads (engine/backends/webgpu/shader-layout.ts): tuples, not objects. */
const KIND = { uniform: 'u', 'read-only-storage': 'r', storage: 's' };
function compact(layout, map, files) {
  const fileIndex = (f) => (files.includes(f) ? files.indexOf(f) : files.push(f) - 1);
  return [
    layout.bindings.map((b) => [b.name, b.binding, KIND[b.kind]]),
    layout.uniform && [layout.uniform.binding, layout.uniform.size, layout.uniform.members.map((m) => [m.name, m.offset, m.size, m.type])],
    layout.consts,
    map.map(([start, file, line]) => [start, fileIndex(file), line]),
  ];
}

export async function generate() {
  const { reflectLayout } = await tsImport(pathToFileURL(join(root, 'engine/backends/webgpu/reflect-layout.ts')).href, import.meta.url);
  const names = kernelNames();
  const files = [];
  const body = [];
  for (const n of names) {
    const { code, lines: map } = expand(n);
    const [bindings, uniform, consts, lines] = compact(reflectLayout(n, code), map, files);
    body.push(`  ${n}: [`, `    ${JSON.stringify(code)},`, `    ${JSON.stringify(bindings)},`, `    ${JSON.stringify(uniform)},`,
      `    ${JSON.stringify(consts)}, ${JSON.stringify(lines)},`, '  ],');
  }
  const preludes = EXPORTED_PRELUDES.map((inc) => {
    const { code, lines: map } = expand(inc, readFileSync(join(dir, inc), 'utf8'), `shaders/${inc}`);
    return `  ${JSON.stringify(inc)}: { code: ${JSON.stringify(code)}, lines: decodeLines(FILES, ${JSON.stringify(compact({ bindings: [], uniform: null, consts: {} }, map, files)[3])}) },`;
  });
  return [
    '// GENERATED by scripts/gen-shaders.mjs from shaders/*.wgsl: do not edit, edit the .wgsl files.',
    "import { decodeLines, decodeShaders, type ShaderSource } from './shader-layout.js';",
    '',
    '/** Every kernel program, keyed by its file name in shaders/ without `.wgsl`. */',
    `export type ShaderName = ${names.map((n) => `'${n}'`).join(' | ')};`,
    '',
    '/** The .wgsl files the line maps point into. */',
    `const FILES = ${JSON.stringify(files)};`,
    '',
    '/**',
    ' * Each kernel: its WGSL with includes expanded, then the layout reflected from it (bindings,',
    ' * uniform members, constants) and its line map, in the compact form decodeShaders() reads.',
    ' */',
    'export const SHADERS: Record<ShaderName, ShaderSource> = decodeShaders(FILES, {',
    ...body,
    '});',
    '',
    '/** Preludes that kernels made at run time build on (defineKernel), expanded, with their line maps. */',
    'export const PRELUDES = {',
    ...preludes,
    '} as const;',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generate();
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error('engine/backends/webgpu/shaders.generated.ts is stale: run npm run gen:shaders');
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
