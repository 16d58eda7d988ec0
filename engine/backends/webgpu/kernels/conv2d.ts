/**
 * Convolutions as implicit GEMMs (NHWC input, HWIO filter): the forward pass with fused bias
 * and ReLU, the input gradient, and the filter gradient as a chunked reduction. No im2col
 * buffer: each invocation gathers its patches directly.
 *
 * Each kernel has three variants (variants.ts), chosen per adapter and shape by the tuner
 * (tuner.ts) or forced by WebGPUBackendOptions.variants:
 * - 'blocked' (the default), itself chosen per call from the channel counts (Tiling.vec4
 *   switches the vec4 ones and conv2d_c1_3x3 off):
 *   - 4x4 blocks (conv2d, conv2d_backprop_input, conv2d_backprop_filter): any shapes; the
 *     workgroup (Tiling.conv) covers a 2-D tile of blocks (grid 'tiles');
 *   - 8x8 blocks with vec4 loads and stores (the *_vec4 kernels): forward and filter gradient
 *     when outC % 4 == 0, input gradient when inC % 4 == 0; blocks numbered linearly (grid
 *     'blocks') so no lane idles when there are fewer channel blocks than workgroup columns;
 *   - channels as vec4 too: the forward pass with inC % 4 == 0 and the input gradient with
 *     outC % 4 == 0 (conv2d_c4, conv2d_backprop_input_c4, where Tiling.channelVec4: not on the
 *     software adapters) read 4 channels of x or dy per pixel as one vec4 and transpose 4 x 4
 *     blocks in registers; the filter gradient with inC % 8 == 0 (conv2d_backprop_filter_c8)
 *     has block rows that are 8 channels of one tap, two vec4 behind one bounds test. The _vec4
 *     kernels gather scalars. With Tiling.wideBlocks (SwiftShader) and output channels in
 *     multiples of 16 (and, for the filter gradient, inC % 16 == 0), the same channel counts
 *     take 16 x 16 blocks with channels read as vec4 (the *_16x16 kernels,
 *     include/block16x16.wgsl), whatever channelVec4 says: it picks the 8 x 8 form; the forward
 *     pass takes conv2d_c4_16x16_inside, without position tests, where every window lies inside
 *     the input (`windowsInside`, ops/geometry.ts: 'valid' padding; include/conv-windows-inside.wgsl);
 *   - one input channel, a 3x3 filter, outC % 4 == 0 (the CNN's conv1), filter gradient:
 *     conv2d_backprop_filter_c1_3x3, all 9 taps x 8 channels per invocation (the _vec4
 *     kernel's 8-row blocks cover K = 9 with a second block of one real row): 1.65x on
 *     SwiftShader and on lavapipe (bench/kernels-conv.ts, batch 256, ABBA, 2026-12-01);
 *   - one input channel, a 3x3 filter, outC % 4 == 0 (the CNN's conv1): conv2d_c1_3x3, the
 *     vec4 kernel's 8x8 blocks with the 9 taps written out: no loop, no channel index, no
 *     division. With one channel the vec4 kernel spends more on its loops and index arithmetic
 *     than on the 9 taps: on SwiftShader (batch 32, same run) 0.107 GFLOP/s against its 0.028
 *     and the matmul's 0.047 at the same GEMM shape; on lavapipe (batch 256) about the same as
 *     it (0.345 and 0.367). A 4x4-block version reached 0.061 and 0.213. Until it has compiled
 *     (Gpu.ready), conv2d_c1_3x3_rows runs: the same taps in the same order with a loop over
 *     the filter rows, which compiles in about half the time (Node's SwiftShader, cold, first
 *     in a step: 109 against 207 ms) and runs 0.74x (53.4 against 39.3 ms, batch 256), so a
 *     first step is about 100-130 ms shorter (issue 11, target 4; README).
 * - 'tiled' (*_tiled): the same GEMM with its tiles of both operands staged in workgroup memory
 *   (include/gemm-tiled.wgsl), any shapes;
 * - 'subgroup' (*_subgroup): the patches (the expensive operand, a gather with padding tests)
 *   loaded once per subgroup and passed around by shuffles (include/gemm-subgroup.wgsl). The
 *   forward pass and the input gradient walk the taps instead (*_subgroup_taps,
 *   include/conv-subgroup-taps.wgsl: each tap's position test once per row, then its channels
 *   as a plain strided read) when a tap has at least 4 channels to share among the lanes (inC
 *   forward, outC input gradient); with fewer (conv1's single channel) the flat k of
 *   gemm-subgroup keeps the lanes busy.
 * The tiled and subgroup kernels share each conv's operand definitions (include/gemm-conv2d*.wgsl).
 * The block sizes are the kernels' own BLOCK_ROWS/BLOCK_COLS constants.
 *
 * The filter gradient sums over every output pixel (P = batch*outH*outW, 173,056 terms for
 * conv1 at batch 256), too long for one invocation per weight: P is split into chunks (the
 * launch's layers) so about Tiling.reductionThreads / 2 invocations work, each writing a
 * partial dW, and the sum family adds the partials.
 */
import type { Conv2DGeometry } from '../../backend.js';
import type { GridKind, Program } from '../launch.js';
import type { ShaderName } from '../shaders.generated.js';
import type { GemmShape, VariantName } from '../variants.js';
import { family, type Gpu, type Params, type T, type FamilyFacts } from './family.js';
import { windowsInside } from '../../../ops/geometry.js';
import { replayOn } from './family-helpers.js';
import { sumRuns } from './reduce.js';

/** A conv program descriptor (every one of this family runs on the conv workgroup shape). */
function conv(shader: ShaderName, grid: GridKind = 'blocks', variant?: Program['variant']): Program {
  return variant ? { shader, workgroup: 'conv', grid, variant } : { shader, workgroup: 'conv', grid };
}

const programs = {
  forward: conv('conv2d', 'tiles'),
  forwardVec4: conv('conv2d_vec4'),
  forwardC4: conv('conv2d_c4'),
  forwardC4Wide: conv('conv2d_c4_16x16'),
  forwardC4WideInside: conv('conv2d_c4_16x16_inside'),
  input: conv('conv2d_backprop_input', 'tiles'),
  inputVec4: conv('conv2d_backprop_input_vec4'),
  inputC4: conv('conv2d_backprop_input_c4'),
  inputC4Wide: conv('conv2d_backprop_input_c4_16x16'),
  filter: conv('conv2d_backprop_filter', 'tiles'),
  filterVec4: conv('conv2d_backprop_filter_vec4'),
  filterC8: conv('conv2d_backprop_filter_c8'),
  filterC16Wide: conv('conv2d_backprop_filter_c16_16x16'),
  filterC1: conv('conv2d_backprop_filter_c1_3x3'),
  forwardTiled: conv('conv2d_tiled', 'shared-tiles', 'tiled'),
  inputTiled: conv('conv2d_backprop_input_tiled', 'shared-tiles', 'tiled'),
  filterTiled: conv('conv2d_backprop_filter_tiled', 'shared-tiles', 'tiled'),
  forwardSubgroup: conv('conv2d_subgroup', 'subgroup-tiles', 'subgroup'),
  inputSubgroup: conv('conv2d_backprop_input_subgroup', 'subgroup-tiles', 'subgroup'),
  forwardC1: conv('conv2d_c1_3x3'),
  forwardC1Rows: conv('conv2d_c1_3x3_rows'),
  forwardSubgroupTaps: conv('conv2d_subgroup_taps', 'subgroup-taps', 'subgroup'),
  inputSubgroupTaps: conv('conv2d_backprop_input_subgroup_taps', 'subgroup-taps', 'subgroup'),
  filterSubgroup: conv('conv2d_backprop_filter_subgroup', 'subgroup-tiles', 'subgroup'),
} satisfies Record<string, Program>;

/** One input channel and a 3x3 filter (the CNN's conv1): the taps-written-out programs. */
function oneChannel3x3(g: Conv2DGeometry): boolean {
  return g.inC === 1 && g.kH === 3 && g.kW === 3;
}

/** The tuner's shape key of a convolution: its geometry. */
function geometryKey(g: Conv2DGeometry): string {
  return `[${g.batch},${g.inH},${g.inW},${g.inC}] k${g.kH}x${g.kW} s${g.strideH},${g.strideW} p${g.padTop},${g.padLeft} -> [${g.outH},${g.outW},${g.outC}]`;
}

/** The GEMM each convolution lowers to (its implicit-GEMM kernels compute exactly this product). */
export function convGemm(kernel: 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter', g: Conv2DGeometry): GemmShape {
  if (kernel === 'conv2d') return { M: g.batch * g.outH * g.outW, N: g.outC, K: g.kH * g.kW * g.inC };
  if (kernel === 'conv2dBackpropInput') return { M: g.batch * g.inH * g.inW, N: g.inC, K: g.kH * g.kW * g.outC };
  return { M: g.kH * g.kW * g.inC, N: g.outC, K: g.batch * g.outH * g.outW };
}

/** Channels a tap needs for the tap-looped subgroup kernels to keep the lanes busy. */
const TAP_CHANNELS = 4;

/**
 * Whether to run the 16 x 16 form `wide` of a channel-vec4 kernel (a *_16x16 program): where
 * Tiling.wideBlocks is on, `fits` (the channels fill whole 16-wide blocks) and the program is
 * compiled. It compiles far slower than the 8 x 8 forms (Chrome's SwiftShader, one at a time,
 * 2026-12-06: conv2d_c4_16x16 638 ms, conv2d_backprop_input_c4_16x16 661, the filter gradient's
 * 394-420, against 91, 104 and 48-81 for the 8 x 8 forms a first step runs instead), so until it
 * is ready an 8 x 8 form runs and it compiles in the background (Gpu.ready): the same sums in the
 * same order either way.
 */
function wideReady(gpu: Gpu, fits: boolean, wide: Program): boolean {
  return gpu.tiling.wideBlocks && fits && gpu.ready(wide);
}

/** The program of a variant: `blocked` is the register-blocked one the shapes allow. */
function pick(variant: VariantName, blocked: Program, tiled: Program, subgroup: Program): Program {
  return variant === 'tiled' ? tiled : variant === 'subgroup' ? subgroup : blocked;
}

const CPU = 'engine/backends/cpu/conv2d.ts';

/**
 * Where each kernel of conv2d has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const conv2dFacts = {
  about: 'convolutions and their two gradients, as implicit GEMMs',
  kernels: {
    conv2d: { cpu: CPU, gradient: 'engine/ops/conv2d.ts' },
    conv2dBackpropInput: { cpu: CPU, gradient: { none: "conv2d's input gradient (engine/ops/conv2d.ts); not differentiated again" } },
    conv2dBackpropFilter: { cpu: CPU, gradient: { none: "conv2d's filter gradient (engine/ops/conv2d.ts); not differentiated again" } },
  },
} as const satisfies FamilyFacts;

export const conv2d = family<keyof typeof conv2dFacts.kernels>({
  programs,
  variants: {
    conv2d: { blocked: [programs.forward, programs.forwardVec4, programs.forwardC4, programs.forwardC4Wide, programs.forwardC4WideInside, programs.forwardC1, programs.forwardC1Rows], tiled: [programs.forwardTiled], subgroup: [programs.forwardSubgroup, programs.forwardSubgroupTaps] },
    conv2dBackpropInput: { blocked: [programs.input, programs.inputVec4, programs.inputC4, programs.inputC4Wide], tiled: [programs.inputTiled], subgroup: [programs.inputSubgroup, programs.inputSubgroupTaps] },
    conv2dBackpropFilter: { blocked: [programs.filter, programs.filterVec4, programs.filterC8, programs.filterC16Wide, programs.filterC1], tiled: [programs.filterTiled], subgroup: [programs.filterSubgroup] },
  },
  table: (gpu) => ({
    conv2d: (x, w, bias, g, relu) => forward(gpu, x, w, bias, g, relu),
    conv2dBackpropInput: (dy, w, g) => backpropInput(gpu, dy, w, g),
    conv2dBackpropFilter: (x, dy, g) => backpropFilter(gpu, x, dy, g),
  }),
});

function forward(gpu: Gpu, x: T, w: T, bias: T | null, g: Conv2DGeometry, relu: boolean): T {
  const y = gpu.out([g.batch, g.outH, g.outW, g.outC], x.dtype, 'conv2d');
  const variant = gpu.variant('conv2d', geometryKey(g), () =>
    replayOn(gpu, [x.shape, w.shape, ...(bias ? [bias.shape] : [])], convGemm('conv2d', g), ([xi, wi, bi]) => forward(gpu, xi, wi, bi ?? null, g, relu)));
  const vec4 = gpu.tiling.vec4 && g.outC % 4 === 0;
  const channels4 = vec4 && g.inC % 4 === 0;
  const wide = windowsInside(g, g.kH, g.kW) ? programs.forwardC4WideInside : programs.forwardC4Wide;
  const blocked = vec4 && oneChannel3x3(g) ? (gpu.ready(programs.forwardC1) ? programs.forwardC1 : programs.forwardC1Rows)
    : channels4 && wideReady(gpu, g.outC % 16 === 0, wide) ? wide
    : channels4 && gpu.tiling.channelVec4 ? programs.forwardC4 : vec4 ? programs.forwardVec4 : programs.forward;
  const subgroup = g.inC >= TAP_CHANNELS ? programs.forwardSubgroupTaps : programs.forwardSubgroup;
  gpu.launch(pick(variant, blocked, programs.forwardTiled, subgroup), { rows: g.batch * g.outH * g.outW, cols: g.outC }, {
    x: x.storage, w: w.storage, bias: (bias ?? w).storage, y: y.storage,
  }, convParams(g, { flags: (bias ? 1 : 0) | (relu ? 2 : 0) }));
  return y;
}

function backpropInput(gpu: Gpu, dy: T, w: T, g: Conv2DGeometry): T {
  const dx = gpu.out([g.batch, g.inH, g.inW, g.inC], dy.dtype, 'conv2dBackpropInput');
  const variant = gpu.variant('conv2dBackpropInput', geometryKey(g), () => replayOn(gpu, [dy.shape, w.shape], convGemm('conv2dBackpropInput', g), ([d, wi]) => backpropInput(gpu, d, wi, g)));
  const vec4 = gpu.tiling.vec4 && g.inC % 4 === 0;
  const channels4 = vec4 && g.outC % 4 === 0;
  const blocked = channels4 && wideReady(gpu, g.inC % 16 === 0, programs.inputC4Wide) ? programs.inputC4Wide
    : channels4 && gpu.tiling.channelVec4 ? programs.inputC4 : vec4 ? programs.inputVec4 : programs.input;
  const subgroup = g.outC >= TAP_CHANNELS ? programs.inputSubgroupTaps : programs.inputSubgroup;
  gpu.launch(pick(variant, blocked, programs.inputTiled, subgroup), { rows: g.batch * g.inH * g.inW, cols: g.inC },
    { dy: dy.storage, w: w.storage, dx: dx.storage }, convParams(g));
  return dx;
}

function backpropFilter(gpu: Gpu, x: T, dy: T, g: Conv2DGeometry): T {
  const K = g.kH * g.kW * g.inC;
  const dw = gpu.out([g.kH, g.kW, g.inC, g.outC], x.dtype, 'conv2dBackpropFilter');
  const P = g.batch * g.outH * g.outW;
  const variant = gpu.variant('conv2dBackpropFilter', geometryKey(g), () => replayOn(gpu, [x.shape, dy.shape], convGemm('conv2dBackpropFilter', g), ([xi, d]) => backpropFilter(gpu, xi, d, g)));
  // inC % 8 == 0: a block's 8 rows are 8 channels of one tap, read as two vec4 (conv2d_backprop_filter_c8).
  const vec4Program = g.inC % 8 === 0 ? (wideReady(gpu, g.inC % 16 === 0 && g.outC % 16 === 0, programs.filterC16Wide) ? programs.filterC16Wide : programs.filterC8)
    : oneChannel3x3(g) ? programs.filterC1 : programs.filterVec4;
  const blocked = gpu.tiling.vec4 && g.outC % 4 === 0 ? vec4Program : programs.filter;
  const program = pick(variant, blocked, programs.filterTiled, programs.filterSubgroup);
  // A 16 x 16 block counts as the four 8 x 8 blocks it computes, so the wide kernel splits P into
  // as many chunks as the 8 x 8 one (the same sums, the same bits): a quarter of the blocks would
  // mean four times the chunks, and their partials (measured with the 8 x 32 kernels) grew a
  // batch-256 step's peak memory from 1.41x to 1.51x its live tensors.
  const blocks = gpu.blockCount(program, K, g.outC) * (program === programs.filterC16Wide ? 4 : 1);
  let chunks = Math.max(1, Math.min(Math.ceil(gpu.tiling.reductionThreads / 2 / blocks), Math.ceil(P / 64)));
  const chunkLen = Math.max(1, Math.ceil(P / chunks));
  chunks = Math.max(1, Math.ceil(P / chunkLen));
  const partial = chunks === 1 ? dw.storage : gpu.scratch(chunks * K * g.outC, 'conv2dBackpropFilter partials');
  gpu.launch(program, { rows: K, cols: g.outC, layers: chunks }, { x: x.storage, dy: dy.storage, partial }, convParams(g, { chunkLen }));
  if (chunks > 1) {
    sumRuns(gpu, partial, [{ size: K * g.outC, stride: 1 }], [{ size: chunks, stride: K * g.outC }], dw.storage);
    gpu.release(partial);
  }
  return dw;
}

/** The uniforms of shaders/include/conv.wgsl (the grid fields come from the launch). */
function convParams(g: Conv2DGeometry, extra: { flags?: number; chunkLen?: number } = {}): Params {
  return {
    batch: g.batch, inH: g.inH, inW: g.inW, inC: g.inC, outH: g.outH, outW: g.outW, outC: g.outC,
    kH: g.kH, kW: g.kW, strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
    flags: extra.flags ?? 0, chunkLen: extra.chunkLen ?? 0,
  };
}
