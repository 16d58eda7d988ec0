/**
 * Program descriptors and their launch arithmetic: the one place that turns "this output, this
 * program" into a workgroup count and the grid uniforms.
 *
 * Think of a program descriptor as the card pinned to a WGSL file: it names the file, the Tiling
 * entry that sets its workgroup shape, and which entry prelude the file uses, which fixes how its
 * invocations map onto the output. Everything else a launch needs comes from the shader itself,
 * reflected at build time (shaders.generated.ts): the bindings, the uniform members, and the
 * register block size (`const BLOCK_ROWS`, `const BLOCK_COLS`). A family file
 * (kernels/<family>.ts) holds the descriptors of one kernel family and the kernels built on them;
 * the backend runs any descriptor through one generic path (WebGPUBackend.launch).
 *
 * Promises:
 * - every number lives once: block sizes in the WGSL, workgroup shapes in the Tiling, the grid
 *   arithmetic here (test/webgpu-launch.test.ts checks it without a GPU);
 * - the grid uniforms a prelude reads (tilesX, tilesY, layers) are always set by the launch,
 *   never by a kernel, so a family cannot get them wrong;
 * - dispatches beyond the per-dimension limit are folded by the backend, and the preludes stop
 *   the extra invocations a folded grid holds.
 */
import type { ShaderLayout } from './shader-layout.js';
import type { ShaderName } from './shaders.generated.js';

/**
 * Workgroup shapes, chosen per adapter. The heavy kernels are register-blocked (each invocation
 * computes a BLOCK_ROWS x BLOCK_COLS block, no workgroup memory).
 */
export interface Tiling {
  /** Invocations per workgroup of the 1-D (element-wise, per-row) kernels. */
  readonly elementwise: number;
  readonly matmul: readonly [wgX: number, wgY: number];
  /**
   * Conv workgroup shape. The 4x4 conv kernels tile the output in WGX x WGY blocks; the vec4 ones
   * (invocations numbered linearly) only use wgX*wgY as the workgroup size.
   * Measured on Node + SwiftShader (bench/kernels-conv.ts, conv2 at batch 256, same run):
   * [4, 4], [8, 8] and [16, 16] within +-6% of each other for all three conv kernels.
   */
  readonly conv: readonly [wgX: number, wgY: number];
  /** Target number of invocations when splitting long reductions into chunks (sum, filter gradient). */
  readonly reductionThreads: number;
  /**
   * Use the vec4-load matmul variant, and the vec4 conv kernels (8x8 register blocks: forward
   * and filter gradient when outC % 4 == 0, input gradient when inC % 4 == 0), where the shapes
   * allow it. On SwiftShader the vec4 conv kernels measured 2-2.3x (forward, input gradient) and
   * 1.6-2.1x (filter gradient) the 4x4 ones on the CNN's conv2/conv3 at batch 256.
   */
  readonly vec4: boolean;
  /**
   * With vec4: the forward and input-gradient conv kernels that also read 4 channels of x (or
   * dy) as one vec4 where the channel counts are multiples of 4 (conv2d_c4,
   * conv2d_backprop_input_c4), transposing 4 x 4 blocks in registers. Off: the vec4 kernels'
   * scalar gathers (bench/kernels-conv.ts compares the two, variant 'vec4'). Off by default on
   * both software adapters, where it measured slower (webgpu-backend.ts, adapterTiling); it does
   * not govern the 16 x 16 forms (wideBlocks). The filter gradient's channel-vec4 kernel
   * (conv2d_backprop_filter_c8) measured faster on both drivers and goes with vec4.
   */
  readonly channelVec4: boolean;
  /**
   * With vec4: the conv kernels compute 16 x 16 blocks with channels read as vec4 where the
   * channels divide by 16 (conv2d_c4_16x16, conv2d_backprop_input_c4_16x16,
   * conv2d_backprop_filter_c16_16x16), once they are compiled (until then an 8 x 8 form runs and
   * they compile in the background: kernels/conv2d.ts, wideReady). On by
   * default only on SwiftShader (adapterTiling), where it measured 1.3-1.7x the 8 x 8 kernels;
   * lavapipe ran the wide filter gradients slower (webgpu-backend.ts), and real GPUs are
   * unmeasured (256 accumulators an invocation cost occupancy there). The name is from the
   * 8 x 32 blocks the 16 x 16 ones replaced.
   */
  readonly wideBlocks: boolean;
  /**
   * The most workgroups an element-wise kernel (include/elements.wgsl: `const GRID_STRIDE`) is
   * launched with; past it each invocation handles several elements, a grid apart. Infinity: one
   * element per invocation. Where an adapter pays for each workgroup it runs (lavapipe), a cap
   * makes the memory-bound kernels (fills, ReLU gradients, Adam) cheaper (adapterTiling).
   */
  readonly elementGroups: number;
}

export const DEFAULT_TILING: Tiling = {
  elementwise: 64, matmul: [8, 8], conv: [8, 8], reductionThreads: 16384, vec4: true, channelVec4: true, wideBlocks: false, elementGroups: Infinity,
};

/** Which Tiling entry gives a program its workgroup-size override constants. */
export type WorkgroupKind = 'elementwise' | 'matmul' | 'conv';

/**
 * How a program's invocations cover its output, i.e. which entry prelude its WGSL includes:
 * - 'threads': one invocation per row (include/thread.wgsl) or per element, looping a grid apart
 *   when Tiling.elementGroups caps the grid (include/elements.wgsl); override WG;
 * - 'tiles': a WGX x WGY workgroup covers a 2-D tile of blocks (include/tiles.wgsl);
 * - 'blocks': blocks numbered linearly, WGX*WGY per workgroup (include/blocks.wgsl);
 * - 'shared-tiles': the 'tiles' grid, the workgroup staging its tile of both operands in
 *   workgroup memory (include/gemm-tiled.wgsl);
 * - 'subgroup-tiles': the 'tiles' grid, the lanes of a subgroup sharing their loads of A through
 *   subgroup shuffles (include/gemm-subgroup.wgsl; needs the `subgroups` feature);
 * - 'subgroup-taps': the same grid and sharing, the reduction walked tap by tap (the
 *   convolutions' include/conv-subgroup-taps.wgsl);
 * - 'workgroups': one workgroup of WG invocations per work item, launched with { workgroups }
 *   (include/reduce-group.wgsl: the workgroup reductions).
 */
export type GridKind = 'threads' | 'tiles' | 'blocks' | 'shared-tiles' | 'subgroup-tiles' | 'subgroup-taps' | 'workgroups';

/** The entry preludes a grid kind's WGSL may include, one of them (test/kernel-coverage.test.ts checks it). */
export const GRID_PRELUDE: Readonly<Record<GridKind, readonly string[]>> = {
  threads: ['include/thread.wgsl', 'include/elements.wgsl'],
  tiles: ['include/tiles.wgsl'],
  blocks: ['include/blocks.wgsl'],
  'shared-tiles': ['include/gemm-tiled.wgsl'],
  'subgroup-tiles': ['include/gemm-subgroup.wgsl'],
  'subgroup-taps': ['include/conv-subgroup-taps.wgsl'],
  workgroups: ['include/reduce-group.wgsl'],
};

/** Grid kinds whose programs compute register blocks (BLOCK_ROWS x BLOCK_COLS per invocation). */
export function isBlocked(grid: GridKind): boolean {
  return grid !== 'threads' && grid !== 'workgroups';
}

/** What the launch arithmetic needs of a program: its name, workgroup kind and grid. */
export interface ProgramShape {
  readonly shader: string;
  readonly workgroup: WorkgroupKind;
  readonly grid: GridKind;
}

/** A program descriptor: one WGSL file of shaders/ and how to launch it. */
export interface Program extends ProgramShape {
  readonly shader: ShaderName;
  /**
   * Set on the programs of a kernel's non-default variants (variants.ts): they are compiled on
   * first use (or when the tiling forces them), not at start-up, and 'subgroup' ones only on a
   * device with the `subgroups` feature.
   */
  readonly variant?: 'tiled' | 'subgroup';
}

/**
 * The descriptor of a one-dimensional program: grid 'threads' (include/thread.wgsl or
 * include/elements.wgsl), workgroup Tiling.elementwise. Most programs are of this kind; writing
 * them as threads('name') keeps the main bundle's JavaScript under issue 10's budget (about 40
 * bytes a descriptor).
 */
export function threads<S extends ShaderName>(shader: S): { readonly shader: S; readonly workgroup: 'elementwise'; readonly grid: 'threads' } {
  return { shader, workgroup: 'elementwise', grid: 'threads' };
}

/**
 * What a launch covers: invocations of a 1-D program, the output matrix of a blocked one, or a
 * number of workgroups (grid 'workgroups').
 */
export type Extent =
  | { readonly threads: number }
  | { readonly workgroups: number }
  | { readonly rows: number; readonly cols: number; readonly layers?: number };

/** The override constants of a program under a tiling (names as in the preludes). */
export function workgroupConstants(program: ProgramShape, tiling: Tiling): Record<string, number> {
  if (program.workgroup === 'elementwise') return { WG: tiling.elementwise };
  const [x, y] = tiling[program.workgroup];
  return { WGX: x, WGY: y };
}

/** The register block of a blocked program, read from its own WGSL constants. */
export function blockShape(program: ProgramShape, layout: ShaderLayout): { rows: number; cols: number } {
  const rows = layout.consts.BLOCK_ROWS;
  const cols = layout.consts.BLOCK_COLS;
  if (!rows || !cols) {
    throw new Error(`webgpu: program '${program.shader}' has grid '${program.grid}' but its WGSL declares no const BLOCK_ROWS / BLOCK_COLS`);
  }
  return { rows, cols };
}

/** Blocks a blocked program needs for a rows x cols output (the work items of one layer). */
export function blockCount(program: ProgramShape, layout: ShaderLayout, rows: number, cols: number): number {
  const b = blockShape(program, layout);
  return Math.ceil(rows / b.rows) * Math.ceil(cols / b.cols);
}

/** Workgroups to dispatch, and the grid uniforms the program's prelude reads. */
export function planGrid(
  program: ProgramShape, layout: ShaderLayout, tiling: Tiling, extent: Extent,
): { groups: number; gridParams: Record<string, number> } {
  const wg = workgroupConstants(program, tiling);
  if ('workgroups' in extent) {
    if (program.grid !== 'workgroups') throw new Error(`webgpu: program '${program.shader}' has grid '${program.grid}'; only grid 'workgroups' is launched with { workgroups }`);
    return { groups: extent.workgroups, gridParams: {} };
  }
  if (program.grid === 'workgroups') throw new Error(`webgpu: program '${program.shader}' has grid 'workgroups'; launch it with { workgroups }`);
  if ('threads' in extent) {
    if (program.grid !== 'threads') throw new Error(`webgpu: program '${program.shader}' is blocked (grid '${program.grid}'); launch it with { rows, cols }`);
    const groups = Math.ceil(extent.threads / wg.WG);
    return { groups: layout.consts.GRID_STRIDE ? Math.min(groups, tiling.elementGroups) : groups, gridParams: {} };
  }
  if (program.grid === 'threads') throw new Error(`webgpu: program '${program.shader}' is 1-D; launch it with { threads }`);
  const b = blockShape(program, layout);
  const layers = extent.layers ?? 1;
  const colBlocks = Math.ceil(extent.cols / b.cols);
  const rowBlocks = Math.ceil(extent.rows / b.rows);
  if (colBlocks * rowBlocks * layers === 0) return { groups: 0, gridParams: {} };
  if (program.grid !== 'blocks') {
    // 'tiles', 'shared-tiles', 'subgroup-tiles', 'subgroup-taps': a workgroup covers WGX x WGY blocks.
    const tilesX = Math.ceil(colBlocks / wg.WGX);
    const tilesY = Math.ceil(rowBlocks / wg.WGY);
    return { groups: tilesX * tilesY * layers, gridParams: { tilesX, tilesY, layers } };
  }
  return {
    groups: Math.ceil((colBlocks * rowBlocks * layers) / (wg.WGX * wg.WGY)),
    gridParams: { tilesX: colBlocks, tilesY: rowBlocks, layers },
  };
}

/** [x, y, z] workgroup counts for `groups` workgroups, folded so no dimension exceeds `max`. */
export function foldGroups(groups: number, max: number): [number, number, number] {
  if (groups <= max) return [groups, 1, 1];
  const y = Math.ceil(groups / max);
  if (y <= max) return [Math.ceil(groups / y), y, 1];
  const z = Math.ceil(groups / (max * max));
  if (z > max) throw new Error(`webgpu: ${groups} workgroups cannot be dispatched`);
  return [max, max, z];
}
