/**
 * The launch arithmetic (engine/backends/webgpu/launch.ts), without a GPU: workgroup counts and
 * grid uniforms from a program's own block constants and the tiling, for the three grid kinds.
 */
import { expect, it } from 'vitest';
import { DEFAULT_TILING, blockCount, foldGroups, planGrid, workgroupConstants, type Program } from '../engine/backends/webgpu/launch.js';
import { SHADERS } from '../engine/backends/webgpu/shaders.generated.js';
import { adapterTiling, isSoftwareAdapter } from '../engine/backends/webgpu/webgpu-backend.js';
import { FAMILIES } from '../engine/backends/webgpu/kernels/index.js';

const tiling = { ...DEFAULT_TILING, elementwise: 64, matmul: [8, 4] as const, conv: [4, 16] as const };

it('derives the block size from the WGSL constants, not from a second copy', () => {
  expect(SHADERS.conv2d_vec4.layout.consts).toEqual({ BLOCK_ROWS: 8, BLOCK_COLS: 8 });
  expect(SHADERS.matmul.layout.consts).toEqual({ BLOCK_ROWS: 4, BLOCK_COLS: 4 });
  const vec4 = FAMILIES.conv2d.programs.forwardVec4;
  expect(blockCount(vec4, SHADERS[vec4.shader].layout, 17, 12)).toBe(3 * 2);
  // A changed constant changes the launch.
  expect(blockCount(vec4, { ...SHADERS[vec4.shader].layout, consts: { BLOCK_ROWS: 4, BLOCK_COLS: 4 } }, 17, 12)).toBe(5 * 3);
});

it("plans 'threads', 'tiles' and 'blocks' grids", () => {
  const unary = FAMILIES.elementwise.programs.unary;
  expect(planGrid(unary, SHADERS.unary.layout, tiling, { threads: 1000 })).toEqual({ groups: 16, gridParams: {} });
  expect(workgroupConstants(unary, tiling)).toEqual({ WG: 64 });
  // An element-wise kernel (GRID_STRIDE) is capped at elementGroups workgroups; a 1-D kernel
  // that does not loop (sum: one invocation per output) never is.
  expect(SHADERS.unary.layout.consts).toEqual({ GRID_STRIDE: 1 });
  expect(planGrid(unary, SHADERS.unary.layout, { ...tiling, elementGroups: 5 }, { threads: 1000 })).toEqual({ groups: 5, gridParams: {} });
  expect(planGrid(unary, SHADERS.unary.layout, { ...tiling, elementGroups: 50 }, { threads: 1000 })).toEqual({ groups: 16, gridParams: {} });
  const sum = FAMILIES.reduce.programs.sum;
  expect(SHADERS.sum.layout.consts.GRID_STRIDE).toBeUndefined();
  expect(planGrid(sum, SHADERS.sum.layout, { ...tiling, elementGroups: 5 }, { threads: 1000 })).toEqual({ groups: 16, gridParams: {} });

  // matmul: 4x4 blocks, an 8 x 4 workgroup covers 8 block columns and 4 block rows.
  const mm = FAMILIES.matmul.programs.matmul;
  expect(workgroupConstants(mm, tiling)).toEqual({ WGX: 8, WGY: 4 });
  // 37 rows -> 10 block rows -> 3 tiles; 29 cols -> 8 block cols -> 1 tile.
  expect(planGrid(mm, SHADERS.matmul.layout, tiling, { rows: 37, cols: 29 })).toEqual({ groups: 3, gridParams: { tilesX: 1, tilesY: 3, layers: 1 } });

  // The vec4 filter gradient: 8x8 blocks numbered linearly, 4*16 = 64 per workgroup, 3 chunks.
  const dw = FAMILIES.conv2d.programs.filterVec4;
  expect(planGrid(dw, SHADERS[dw.shader].layout, tiling, { rows: 100, cols: 64, layers: 3 }))
    .toEqual({ groups: Math.ceil((13 * 8 * 3) / 64), gridParams: { tilesX: 8, tilesY: 13, layers: 3 } });
  expect(planGrid(dw, SHADERS[dw.shader].layout, tiling, { rows: 0, cols: 64 }).groups).toBe(0);
});

it('refuses an extent of the wrong kind, and a blocked program without block constants', () => {
  const unary = FAMILIES.elementwise.programs.unary;
  const mm = FAMILIES.matmul.programs.matmul;
  expect(() => planGrid(unary, SHADERS.unary.layout, tiling, { rows: 2, cols: 2 })).toThrow(/'unary' is 1-D; launch it with \{ threads \}/);
  expect(() => planGrid(mm, SHADERS.matmul.layout, tiling, { threads: 5 })).toThrow(/'matmul' is blocked/);
  const bad: Program = { shader: 'unary', workgroup: 'conv', grid: 'blocks' };
  expect(() => planGrid(bad, SHADERS.unary.layout, tiling, { rows: 2, cols: 2 })).toThrow(/declares no const BLOCK_ROWS/);
});

it('folds large dispatches into 2-D and 3-D', () => {
  expect(foldGroups(64, 64)).toEqual([64, 1, 1]);
  expect(foldGroups(65, 64)).toEqual([33, 2, 1]);
  expect(foldGroups(64 * 64 + 1, 64)).toEqual([64, 64, 2]);
  expect(() => foldGroups(64 ** 3 + 1, 64)).toThrow(/cannot be dispatched/);
});

it('caps the element-wise grid on the software adapters only, keeps both off the channel-vec4 8 x 8 kernels and gives SwiftShader the 16 x 16 blocks', () => {
  const info = (vendor: string, architecture: string, description = '') => ({ vendor, architecture, device: '', description });
  expect(adapterTiling(info('google', 'swiftshader'))).toEqual({ elementGroups: 256, wideBlocks: true, channelVec4: false });
  expect(adapterTiling(info('mesa', 'llvmpipe', 'llvmpipe: Mesa 25.0.7'))).toEqual({ elementGroups: 256, channelVec4: false });
  expect(adapterTiling(info('nvidia', 'hopper', 'NVIDIA H200'))).toEqual({});
  expect(DEFAULT_TILING.elementGroups).toBe(Infinity);
  expect(DEFAULT_TILING.wideBlocks).toBe(false);
  // The same test picks the adapters on which Node's poll is throttled during waits (poll-throttle.ts).
  expect([info('google', 'swiftshader'), info('mesa', 'llvmpipe'), info('nvidia', 'hopper', 'NVIDIA H200')].map(isSoftwareAdapter)).toEqual([true, true, false]);
});
