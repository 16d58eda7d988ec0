/**
 * Batch normalisation (training and inference) and layer normalisation as fused kernels. The
 * channel is the last axis (NHWC, Keras's default axis = -1).
 * - batchNorm: inference, with given statistics: y = (x − mean)/sqrt(variance + ε)·scale + offset.
 *   Gradients for all five inputs: x, scale and offset from batchNormBackward (statistics held
 *   constant); mean and variance from its column sums: dmean = −Σdy·scale·rstd,
 *   dvariance = −½·Σdy·x̂·scale/(variance + ε).
 * - batchNormTraining: the batch's own mean and variance (moments kernel), then the same
 *   normalisation; backward treats the statistics as functions of x (training = true). The
 *   statistics are returned for moving averages, without gradients.
 * - layerNorm: each row normalised by its own mean and variance over the last axis; the kernel
 *   keeps (mean, rstd) per row for its backward kernel.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { add as addScalar, div, mul } from './binary.js';
import { rsqrt } from './math.js';
import { scale as scaleBy } from './unary.js';
import { assertFloat, assertSameBackend, assertSameDType, fmt } from './validate.js';

export interface NormOptions {
  /** γ, [C]; default ones. */
  scale?: Tensor | null;
  /** β, [C]; default zeros. */
  offset?: Tensor | null;
  /** Keras's default 1e-3. */
  epsilon?: number;
}

function channelParam(op: string, name: string, t: Tensor | null | undefined, x: Tensor, fillValue: number): Tensor {
  const C = x.shape[x.rank - 1];
  if (!t) return Tensor.fromHandle(x.backend.fill([C], x.dtype, fillValue), x.backend);
  t.assertLive(op);
  if (t.rank !== 1 || t.shape[0] !== C) throw new Error(`${op}: ${name} ${fmt(t.shape)} must be [${C}], the channels (last axis) of x ${fmt(x.shape)}`);
  return t;
}

function check(op: string, x: Tensor, epsilon: number): void {
  assertFloat(op, 'x', x);
  if (x.rank < 1) throw new Error(`${op}: x needs a channel axis, got shape ${fmt(x.shape)}`);
  if (!(epsilon > 0)) throw new Error(`${op}: epsilon must be positive, got ${epsilon}`);
}

/** The checks every normalisation starts with; then its scale and offset ([C], defaults ones and zeros) and ε. */
function normInputs(op: string, x: Tensor, options: NormOptions, stats: Tensor[] = []): { scale: Tensor; offset: Tensor; epsilon: number; inputs: Tensor[] } {
  const epsilon = options.epsilon ?? 1e-3;
  check(op, x, epsilon);
  const [mean, variance] = stats;
  const checkedStats = stats.length ? [channelParam(op, 'mean', mean, x, 0), channelParam(op, 'variance', variance, x, 1)] : [];
  const scale = channelParam(op, 'scale', options.scale, x, 1);
  const offset = channelParam(op, 'offset', options.offset, x, 0);
  const inputs = [x, ...checkedStats, scale, offset];
  assertSameBackend(op, inputs);
  assertSameDType(op, inputs);
  return { scale, offset, epsilon, inputs };
}

export interface BatchNormOptions extends NormOptions {
  mean: Tensor;
  variance: Tensor;
}

export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  const { scale, offset, epsilon, inputs } = normInputs(op, x, options, [options.mean, options.variance]);
  const [, mean, variance] = inputs;
  const k = x.backend.kernels;
  const y = k.batchNorm(x.handle, mean.handle, variance.handle, scale.handle, offset.handle, epsilon);
  return record(op, y, inputs, (dy, needs) => {
    const g = k.batchNormBackward(dy.handle, x.handle, mean.handle, variance.handle, scale.handle, epsilon, false);
    const be = x.backend;
    const dx = Tensor.fromHandle(g.dx, be);
    const dScale = Tensor.fromHandle(g.dScale, be);
    const dOffset = Tensor.fromHandle(g.dOffset, be);
    const dMean = needs[1] ? scaleBy(mul(mul(dOffset, scale), rsqrt(addScalar(variance, epsilon))), -1) : null;
    const dVariance = needs[2] ? scaleBy(div(mul(dScale, scale), addScalar(variance, epsilon)), -0.5) : null;
    return [dx, dMean, dVariance, dScale, dOffset];
  });
}

export function batchNormTraining(x: Tensor, options: NormOptions = {}): { y: Tensor; mean: Tensor; variance: Tensor } {
  const op = 'batchNormTraining';
  const { scale, offset, epsilon, inputs } = normInputs(op, x, options);
  const C = x.shape[x.rank - 1];
  if (x.size / Math.max(C, 1) < 1) throw new Error(`${op}: x ${fmt(x.shape)} has no rows to take statistics over`);
  const k = x.backend.kernels;
  const be = x.backend;
  const stats = k.moments(x.handle, x.shape.slice(0, -1).map((_, i) => i), [C]);
  const mean = Tensor.fromHandle(stats.mean, be);
  const variance = Tensor.fromHandle(stats.variance, be);
  const y = record(op, k.batchNorm(x.handle, mean.handle, variance.handle, scale.handle, offset.handle, epsilon), inputs, (dy) => {
    const g = k.batchNormBackward(dy.handle, x.handle, mean.handle, variance.handle, scale.handle, epsilon, true);
    return [Tensor.fromHandle(g.dx, be), Tensor.fromHandle(g.dScale, be), Tensor.fromHandle(g.dOffset, be)];
  }, [mean, variance]);
  return { y, mean, variance };
}

export function layerNorm(x: Tensor, options: NormOptions = {}): Tensor {
  const op = 'layerNorm';
  const { scale, offset, epsilon, inputs } = normInputs(op, x, options);
  const k = x.backend.kernels;
  const be = x.backend;
  const { y, stats } = k.layerNorm(x.handle, scale.handle, offset.handle, epsilon);
  const statsT = Tensor.fromHandle(stats, be);
  return record(op, y, inputs, (dy) => {
    const g = k.layerNormBackward(dy.handle, x.handle, statsT.handle, scale.handle);
    return [Tensor.fromHandle(g.dx, be), Tensor.fromHandle(g.dScale, be), Tensor.fromHandle(g.dOffset, be)];
  }, [statsT]);
}
