/**
 * Indexing kernels of issue 13: the gather by index map behind transpose, slice, pad, tile and
 * broadcastTo (rank <= 8), concat (one launch per input into its band of the output), gather
 * along an axis with its deterministic backward (one invocation per dx element summing, in index
 * order, the dy rows that chose it: no atomics), and oneHot. All but gather's backward move raw
 * 32-bit words, so they serve float32 and int32.
 */
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type FamilyFacts } from './family.js';
import { MAX_RANK, bitsOf, checkRank, padded } from './family-helpers.js';

const programs = {
  copyIndexMap: threads('copy_index_map'),
  concat: threads('concat'),
  gather: threads('gather'),
  gatherBackward: threads('gather_backward'),
  oneHot: threads('one_hot'),
} as const satisfies Record<string, Program>;

const CPU = 'engine/backends/cpu/indexing.ts';

/**
 * Where each kernel of indexing has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const indexingFacts = {
  about: 'gathers by index map, concat, gather and its scatter-free backward, oneHot',
  kernels: {
    copyIndexMap: { cpu: CPU, gradient: 'engine/ops/shape.ts' },
    concat: { cpu: CPU, gradient: 'engine/ops/concat.ts' },
    gather: { cpu: CPU, gradient: 'engine/ops/gather.ts' },
    gatherBackward: { cpu: CPU, gradient: { none: "gather's backward (engine/ops/gather.ts); not differentiated again" } },
    oneHot: { cpu: CPU, gradient: { none: 'its input is int32 indices' } },
  },
} as const satisfies FamilyFacts;

export const indexing = family<keyof typeof indexingFacts.kernels>({
  programs,
  table: (gpu) => ({
    copyIndexMap: (x, map) => {
      checkRank('copyIndexMap', map.outShape);
      const out = gpu.out(map.outShape, x.dtype, 'copyIndexMap');
      const n = sizeOf(map.outShape);
      let wrapMask = 0;
      map.axes.forEach((a, d) => (wrapMask |= a.wrap ? 1 << d : 0));
      const field = (f: (a: (typeof map.axes)[number]) => number) => padded(map.axes.map(f), MAX_RANK);
      gpu.launch(programs.copyIndexMap, { threads: n }, { x: x.storage, out: out.storage }, {
        n, rank: map.outShape.length, padValue: bitsOf(map.padValue, x.dtype), wrapMask, outShape: padded(map.outShape, MAX_RANK),
        start: field((a) => a.start), step: field((a) => a.step), inDim: field((a) => a.inDim), inStride: field((a) => a.inStride),
      });
      return out;
    },
    concat: (xs, axis, outShape) => {
      const out = gpu.out(outShape, xs[0].dtype, 'concat');
      const inner = sizeOf(outShape.slice(axis + 1));
      const outRow = outShape[axis] * inner;
      let offset = 0;
      for (const x of xs) {
        const band = x.shape[axis] * inner;
        const n = sizeOf(x.shape);
        if (n > 0) gpu.launch(programs.concat, { threads: n }, { x: x.storage, out: out.storage }, { n, band, outRow, offset });
        offset += band;
      }
      return out;
    },
    gather: (x, indices, axis) => {
      const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      const out = gpu.out(shape, x.dtype, 'gather');
      const n = sizeOf(shape);
      gpu.launch(programs.gather, { threads: n }, { x: x.storage, indices: indices.storage, out: out.storage }, {
        n, count: sizeOf(indices.shape), rows: x.shape[axis], inner: sizeOf(x.shape.slice(axis + 1)),
      });
      return out;
    },
    gatherBackward: (dy, indices, axis, xShape) => {
      const dx = gpu.out(xShape, dy.dtype, 'gatherBackward');
      const n = sizeOf(xShape);
      gpu.launch(programs.gatherBackward, { threads: n }, { dy: dy.storage, indices: indices.storage, dx: dx.storage }, {
        n, count: sizeOf(indices.shape), rows: xShape[axis], inner: sizeOf(xShape.slice(axis + 1)),
      });
      return dx;
    },
    oneHot: (indices, depth, onValue, offValue, dtype) => {
      const shape = [...indices.shape, depth];
      const out = gpu.out(shape, dtype, 'oneHot');
      const n = sizeOf(shape);
      gpu.launch(programs.oneHot, { threads: n }, { indices: indices.storage, out: out.storage }, {
        n, depth, onValue: bitsOf(onValue, dtype), offValue: bitsOf(offValue, dtype),
      });
      return out;
    },
  }),
});
