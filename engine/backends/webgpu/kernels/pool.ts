/**
 * Max pooling (NHWC) and its backward. The forward records, per output, the flat index of the
 * first maximum of its window (TensorFlow's convention); the backward routes each dy there.
 *
 * Variants of the backward, chosen from the geometry:
 * - non-overlapping windows (stride >= pool, the tutorial's 2x2/2): zero dx, then one
 *   invocation per output scatters its dy; no two windows write the same element, so no atomics.
 *   SwiftShader, pool1 at batch 256 ([256,26,26,32], 2x2/2), same checksum: 355 ms with the
 *   gather, 135-145 ms with the scatter (read-back included), so about 2.5x. With Tiling.vec4
 *   and outputs in fours, both passes take four elements an invocation (fill_vec4.wgsl,
 *   maxpool2d_backward_scatter_vec4.wgsl): both pools' backward in a batch-256 step, Node's
 *   SwiftShader, 2026-12-02: 36 ms against 76 ms for the scalar pair. A one-pass gather over the
 *   inputs (each input's one window found by division) measured 84-92 ms there and was dropped;
 * - overlapping windows: a gather, one invocation per input summing the windows that chose it.
 * The forward reads four channels a load where they divide (maxpool2d_vec4.wgsl): 71-74 ms
 * against 159 ms for both pools in the same step. 2 x 2 windows that never reach past the input
 * (no padding, any stride: the tutorial's 2x2/2 pools) take maxpool2d_2x2_vec4.wgsl, the taps
 * written out: pool1 and pool2 at batch 256, Node's SwiftShader, 2026-12-06, 1.96x and 1.48x
 * (37.0 against 18.9 ms, 13.2 against 8.9), lavapipe 1.16x and 1.17x; same y and argmax.
 */
import type { Pool2DGeometry } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Params, type FamilyFacts } from './family.js';
import { windowsInside } from '../../../ops/geometry.js';
import { inFours } from './family-helpers.js';
import { fillZero } from './memory.js';

const programs = {
  forward: threads('maxpool2d'),
  forwardVec4: threads('maxpool2d_vec4'),
  forward2x2Vec4: threads('maxpool2d_2x2_vec4'),
  backwardScatterVec4: threads('maxpool2d_backward_scatter_vec4'),
  backwardGather: threads('maxpool2d_backward'),
  backwardScatter: threads('maxpool2d_backward_scatter'),
} as const satisfies Record<string, Program>;

const CPU = 'engine/backends/cpu/pool.ts';

/**
 * Where each kernel of pool has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const poolFacts = {
  about: 'max pooling and its gradient',
  kernels: {
    maxPool2d: { cpu: CPU, gradient: 'engine/ops/maxpool2d.ts' },
    maxPool2dBackward: { cpu: CPU, gradient: { none: "maxPool2d's backward (engine/ops/maxpool2d.ts); not differentiated again" } },
  },
} as const satisfies FamilyFacts;

export const pool = family<keyof typeof poolFacts.kernels>({
  programs,
  table: (gpu) => ({
    maxPool2d: (x, g) => {
      const shape = [g.batch, g.outH, g.outW, g.channels];
      const y = gpu.out(shape, x.dtype, 'maxPool2d');
      const argmax = gpu.out(shape, 'int32', 'maxPool2d argmax');
      const n = sizeOf(shape);
      const buffers = { x: x.storage, y: y.storage, argmax: argmax.storage };
      if (inFours(gpu, g.channels)) {
        const program = g.poolH === 2 && g.poolW === 2 && windowsInside(g, 2, 2) ? programs.forward2x2Vec4 : programs.forwardVec4;
        gpu.launch(program, { threads: n / 4 }, buffers, poolParams(g, n / 4));
      }
      else gpu.launch(programs.forward, { threads: n }, buffers, poolParams(g, n));
      return { y, argmax };
    },
    maxPool2dBackward: (dy, argmax, g) => {
      const dx = gpu.out([g.batch, g.inH, g.inW, g.channels], dy.dtype, 'maxPool2dBackward');
      const buffers = { dy: dy.storage, argmax: argmax.storage, dx: dx.storage };
      if (g.strideH >= g.poolH && g.strideW >= g.poolW) {
        fillZero(gpu, dx);
        const m = sizeOf(dy.shape);
        if (inFours(gpu, m)) gpu.launch(programs.backwardScatterVec4, { threads: m / 4 }, buffers, poolParams(g, m / 4));
        else gpu.launch(programs.backwardScatter, { threads: m }, buffers, poolParams(g, m));
      } else {
        const n = sizeOf(dx.shape);
        gpu.launch(programs.backwardGather, { threads: n }, buffers, poolParams(g, n));
      }
      return dx;
    },
  }),
});

/** The uniforms of shaders/include/pool.wgsl; n is the number of invocations. */
function poolParams(g: Pool2DGeometry, n: number): Params {
  return {
    n, inH: g.inH, inW: g.inW, channels: g.channels, outH: g.outH, outW: g.outW, poolH: g.poolH, poolW: g.poolW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
  };
}
