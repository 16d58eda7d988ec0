/**
 * Silent wrong numbers that must not come back (issue 9):
 * - ReLU propagates NaN, as TensorFlow's does, at every site: the unary kernel, the ReLU fused
 *   into both conv2d variants (4x4 and vec4), the Dense layer's activation; on the CPU backend
 *   and on WebGPU (where WGSL's max would leave NaN to the adapter).
 * - Labels already on the GPU: a label out of range is never clamped; the cross-entropy kernels
 *   (forward and backward) flag it and the next read throws an Error naming the op, the kernel,
 *   the batch position and the label. The backend keeps working afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, TensorData } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { conv2dGeometry } from '../engine/ops/geometry.js';
import { Dense } from '../engine/nn/layers.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';

let webgpu: WebGPUBackend | null = null;

beforeAll(async () => {
  webgpu = await WebGPUBackend.create(nodeGPU());
}, 300_000);

afterAll(() => webgpu?.device.destroy());

const backends: { label: string; get(): Backend }[] = [
  { label: 'cpu', get: () => new CpuBackend('float32') },
  { label: 'webgpu', get: () => webgpu! },
];

async function read(be: Backend, t: TensorData): Promise<number[]> {
  return Array.from(await be.read(t));
}

describe.each(backends)('ReLU keeps NaN on $label', ({ get }) => {
  it('in the unary kernel', async () => {
    const be = get();
    const x = be.upload([NaN, -1, 2, -0, Infinity, -Infinity, 0.5], [7], 'float32');
    expect(await read(be, be.kernels.unary(x, 'relu'))).toEqual([NaN, 0, 2, 0, Infinity, 0, 0.5]);
  });

  // outC 3 takes the 4x4 kernel on WebGPU, outC 8 the vec4 one; with and without bias.
  it.each([[3, false], [3, true], [8, false], [8, true]] as const)('fused into conv2d (outC %i, bias %s)', async (outC, withBias) => {
    const be = get();
    // 1x1 convolution of a 2x2 image whose pixel (0, 1) is NaN: that output pixel is NaN in every
    // channel, the others are relu(x * w + b), some of them clipped to 0.
    const xs = [1, NaN, -2, 3];
    const ws = Array.from({ length: outC }, (_, c) => (c % 2 === 0 ? 1 : -1));
    const bs = Array.from({ length: outC }, (_, c) => 0.25 * c);
    const g = conv2dGeometry('conv2d', [1, 2, 2, 1], [1, 1, 1, outC], [1, 1], 'valid');
    const y = be.kernels.conv2d(
      be.upload(xs, [1, 2, 2, 1], 'float32'), be.upload(ws, [1, 1, 1, outC], 'float32'),
      withBias ? be.upload(bs, [outC], 'float32') : null, g, true,
    );
    const got = await read(be, y);
    for (let pix = 0; pix < 4; pix++) {
      for (let c = 0; c < outC; c++) {
        const v = xs[pix] * ws[c] + (withBias ? bs[c] : 0);
        const want = Number.isNaN(v) ? NaN : Math.max(v, 0);
        if (Number.isNaN(want)) expect(got[pix * outC + c], `pixel ${pix} channel ${c}`).toBeNaN();
        else expect(got[pix * outC + c], `pixel ${pix} channel ${c}`).toBeCloseTo(want, 6);
      }
    }
  });

  it('in the Dense layer with a relu activation', async () => {
    const be = get();
    setBackend(be);
    const layer = new Dense({ units: 2, activation: 'relu' });
    const x = tensor([NaN, 1, -1, -1], [2, 2]);
    const kernel = tensor([1, 1, 1, 1], [2, 2]);
    const bias = tensor([0, 0], [2]);
    const y = layer.call(x, [kernel, bias]);
    const got = Array.from(await y.data());
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeNaN();
    expect(got.slice(2)).toEqual([0, 0]);
  });
});

describe('labels already on the GPU (webgpu)', () => {
  const rows = 6;
  const classes = 4;
  const logits = Array.from({ length: rows * classes }, (_, i) => Math.sin(i));

  it.each([[4, 3], [-1, 0], [1000, 5]])('forward: label %i at batch position %i is an error on the next read, naming the op', async (bad, at) => {
    const be = webgpu!;
    const labels = [0, 1, 2, 3, 0, 1];
    labels[at] = bad;
    const { loss, probs } = be.kernels.softmaxCrossEntropy(be.upload(logits, [rows, classes], 'float32'), be.upload(labels, [rows], 'int32'));
    be.release(probs.storage);
    await expect(be.read(loss)).rejects.toThrow(
      new RegExp(`^sparseSoftmaxCrossEntropy: label ${bad} at batch position ${at} is out of range for ${classes} classes \\(expected an integer in 0\\.\\.3\\).*the kernel softmaxCrossEntropy found it`),
    );
    // The error word was reset: a good batch reads fine, and its loss is finite.
    const good = be.kernels.softmaxCrossEntropy(be.upload(logits, [rows, classes], 'float32'), be.upload([0, 1, 2, 3, 0, 1], [rows], 'int32'));
    const [value] = await read(be, good.loss);
    expect(Number.isFinite(value)).toBe(true);
  });

  it('forward: the lowest bad position is named, and the loss is not a clamped number', async () => {
    const be = webgpu!;
    const labels = [0, 7, 2, -3, 0, 9];
    const { loss, probs } = be.kernels.softmaxCrossEntropy(be.upload(logits, [rows, classes], 'float32'), be.upload(labels, [rows], 'int32'));
    await expect(be.read(probs)).rejects.toThrow(/label 7 at batch position 1 /);
    // The read that threw was of probs; the loss itself holds NaN, not a clamped class's loss.
    const [value] = await read(be, loss);
    expect(value).toBeNaN();
  });

  it('backward: a bad label is an error on the next read, naming the op and position', async () => {
    const be = webgpu!;
    const probs = be.upload(Array.from({ length: rows * classes }, () => 1 / classes), [rows, classes], 'float32');
    const labels = be.upload([0, 1, 2, 3, 4, 1], [rows], 'int32');
    const d = be.kernels.softmaxCrossEntropyBackward(probs, labels, be.upload([1], [], 'float32'));
    await expect(be.read(d)).rejects.toThrow(/^sparseSoftmaxCrossEntropy backward: label 4 at batch position 4 is out of range for 4 classes.*kernel softmaxCrossEntropyBackward/);
  });

  it('the first bad launch since the last read is the one reported, with its own label', async () => {
    const be = webgpu!;
    const logitsT = be.upload(logits, [rows, classes], 'float32');
    const first = be.kernels.softmaxCrossEntropy(logitsT, be.upload([0, 1, 2, 11, 0, 1], [rows], 'int32'));
    const second = be.kernels.softmaxCrossEntropy(logitsT, be.upload([0, 1, 2, 3, 0, 1], [rows], 'int32'));
    const third = be.kernels.softmaxCrossEntropy(logitsT, be.upload([-5, 1, 2, 3, 0, 1], [rows], 'int32'));
    for (const r of [first, second, third]) be.release(r.probs.storage);
    await expect(be.read(third.loss)).rejects.toThrow(/label 11 at batch position 3 /);
    expect(Number.isFinite((await read(be, second.loss))[0])).toBe(true);
  });

  it('sync() reports it too', async () => {
    const be = webgpu!;
    const { loss } = be.kernels.softmaxCrossEntropy(be.upload(logits, [rows, classes], 'float32'), be.upload([0, 1, 2, 3, 0, -1], [rows], 'int32'));
    await expect(be.sync()).rejects.toThrow(/label -1 at batch position 5/);
    be.release(loss.storage);
    await be.sync();
  });

  it('through the op: labels uploaded as a GPU tensor reach the kernel unchecked, and the loss read throws', async () => {
    const be = webgpu!;
    setBackend(be);
    const labels = tensor([0, 1, 2, 3, 4, 1], [rows], 'int32');
    const loss = sparseSoftmaxCrossEntropy(tensor(logits, [rows, classes]), labels);
    await expect(loss.data()).rejects.toThrow(/^sparseSoftmaxCrossEntropy: label 4 at batch position 4 is out of range for 4 classes/);
  });
});
