/**
 * The tutorial CNN's training step in jax-js (@jax-js/jax) on its wasm
 * backend, the anchor of `npm run bench:cpu` (issue 12).
 *
 * Formulation, the fastest we know for jax-js here: each 3x3 'valid'
 * convolution is im2col (nine slices concatenated along channels) times the
 * HWIO kernel reshaped to [9C, O]; max-pooling is a reshape to 2x2 windows and
 * a max; the whole step (forward, softmax cross-entropy, valueAndGrad and
 * Keras's Adam update) is one `jit`. Its `lax.conv` is about 20x slower on this
 * model, so it would not be a fair baseline.
 *
 * jax-js uses worker threads for wasm only where `Worker` is a global, which
 * Node lacks: in Node it runs single-threaded.
 */
import { defaultDevice, init, jit, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import type { Random } from '../engine/random.js';

type Arr = np.Array;
type Params = Arr[];

/** 'valid' 3x3 convolution by im2col; x [B, H, W, C], w [3, 3, C, O], b [O]. */
function conv3x3(x: Arr, w: Arr, b: Arr): Arr {
  const [B, H, W, C] = x.shape;
  const O = w.shape[3];
  const oh = H - 2;
  const ow = W - 2;
  const taps: Arr[] = [];
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) taps.push(x.ref.slice([], [kh, kh + oh], [kw, kw + ow], []));
  x.dispose();
  // Channels of tap (kh, kw) at (kh*3 + kw)*C: the HWIO kernel's row order.
  const col = np.concatenate(taps, 3).reshape([B * oh * ow, 9 * C]);
  return np.matmul(col, w.reshape([9 * C, O])).add(b).reshape([B, oh, ow, O]);
}

/** 2x2 max-pool, stride 2, 'valid' (an odd last row and column are dropped). */
function maxPool2x2(x: Arr): Arr {
  const [B, H, W, C] = x.shape;
  const h = Math.floor(H / 2);
  const w = Math.floor(W / 2);
  const even = H === 2 * h && W === 2 * w ? x : x.slice([], [0, 2 * h], [0, 2 * w], []);
  return np.max(even.reshape([B, h, 2, w, 2, C]), [2, 4]);
}

function loss(params: Params, x: Arr, oneHot: Arr): Arr {
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = params;
  let h = nn.relu(conv3x3(x, w1, b1));
  h = maxPool2x2(h);
  h = nn.relu(conv3x3(h, w2, b2));
  h = maxPool2x2(h);
  h = nn.relu(conv3x3(h, w3, b3));
  const batch = h.shape[0];
  h = nn.relu(np.matmul(h.reshape([batch, 576]), w4).add(b4));
  const logits = np.matmul(h, w5).add(b5);
  return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(oneHot), -1)).mul(-1);
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

/** One step: loss, gradients and Keras's Adam (lr_t precomputed on the host, passed as a scalar array). */
const step = jit((params: Params, m: Params, v: Params, lrT: Arr, x: Arr, oneHot: Arr) => {
  const [value, grads] = valueAndGrad(loss)(params.map((p) => p.ref), x, oneHot);
  const next: Params = [];
  const nextM: Params = [];
  const nextV: Params = [];
  grads.forEach((g, i) => {
    const mi = m[i].mul(BETA1).add(g.ref.mul(1 - BETA1));
    const vi = v[i].mul(BETA2).add(g.ref.mul(g).mul(1 - BETA2));
    next.push(params[i].sub(lrT.ref.mul(mi.ref).div(np.sqrt(vi.ref).add(EPSILON))));
    nextM.push(mi);
    nextV.push(vi);
  });
  lrT.dispose();
  return [value, next, nextM, nextV] as [Arr, Params, Params, Params];
});

export interface JaxStep {
  /** Runs one training step and waits for its loss. */
  run(): Promise<number>;
  version: string;
}

/** The tutorial CNN in jax-js on the wasm device, Glorot-uniform kernels from `rng`, zero biases, batch from the arrays. */
export async function jaxTrainingStep(images: Float32Array, labels: Int32Array, batch: number, rng: Random): Promise<JaxStep> {
  await init('wasm');
  defaultDevice('wasm');
  const shapes: number[][] = [[3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [3, 3, 64, 64], [64], [576, 128], [128], [128, 10], [10]];
  const glorot = (s: number[]) => {
    const fanIn = s.length === 4 ? s[0] * s[1] * s[2] : s[0];
    const fanOut = s.length === 4 ? s[0] * s[1] * s[3] : s[1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => rng.uniform(-limit, limit));
  };
  let params: Params = shapes.map((s) => (s.length === 1 ? np.zeros(s) : np.array(glorot(s)).reshape(s)));
  let m: Params = shapes.map((s) => np.zeros(s));
  let v: Params = shapes.map((s) => np.zeros(s));
  const x = np.array(images).reshape([batch, 28, 28, 1]);
  const oneHotHost = new Float32Array(batch * 10);
  labels.forEach((l, i) => (oneHotHost[i * 10 + l] = 1));
  const oneHot = np.array(oneHotHost).reshape([batch, 10]);
  let t = 0;
  return {
    version: '0.1.25',
    async run() {
      t++;
      const lrT = (0.001 * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
      const [value, p, mm, vv] = step(params, m, v, np.array([lrT]).reshape([]), x.ref, oneHot.ref);
      params = p;
      m = mm;
      v = vv;
      const data = await value.data();
      return data[0];
    },
  };
}
