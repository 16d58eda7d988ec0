/**
 * The fault catalogue: bad inputs a new user might give, each with the error it must
 * give. An outcome is "clear" when the call throws an Error (not a bare TypeError,
 * RangeError, SyntaxError or ReferenceError from inside) whose message matches
 * `expect`, a pattern that names the op or file, the value and what was expected.
 * A call that returns is "silent"; one that does not end in time is a "hang".
 *
 * `scope: 'backend'` faults run on every backend (CPU and WebGPU); `'host'` ones
 * (files, CLIs) do not touch a backend's kernels and run once. `slow` faults run
 * only in `npm run faults`, the others in test/faults.test.ts too. `pending` names
 * the helper whose fix for this input has not landed yet: its outcome is recorded
 * as it is, never hidden.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import type { Backend } from '../../engine/backends/backend.js';
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../../engine/nn/layers.js';
import { Sequential } from '../../engine/nn/sequential.js';
import { trainStep } from '../../engine/nn/train-step.js';
import { add } from '../../engine/ops/binary.js';
import { conv2d } from '../../engine/ops/conv2d.js';
import { sparseSoftmaxCrossEntropy } from '../../engine/ops/cross-entropy.js';
import { matmul } from '../../engine/ops/matmul.js';
import { maxPool2d } from '../../engine/ops/maxpool2d.js';
import { sum } from '../../engine/ops/reduce.js';
import { reshape } from '../../engine/ops/reshape.js';
import { softmax } from '../../engine/ops/softmax.js';
import { Adam } from '../../engine/optim/adam.js';
import { getBackend, setBackend } from '../../engine/runtime.js';
import { full, ones, tensor, zeros } from '../../engine/tensor.js';
import { checkpointPath, readCheckpoint } from '../../model/checkpoint.js';
import { tutorialCnn } from '../../model/cnn.js';
import { loadFashionMnist } from '../../model/data/fashion-mnist.js';
import { IDX_MAGIC_IMAGES, readIdxFile } from '../../model/data/idx.js';
import { loadModel, saveModel } from '../../model/tfjs-format-node.js';
import { trainTutorial } from '../../model/train.js';

export type Area = 'ops' | 'layers and models' | 'fit/evaluate/predict' | 'data loader' | 'checkpoints' | 'model files' | 'CLIs';
export const AREAS: readonly Area[] = ['ops', 'layers and models', 'fit/evaluate/predict', 'data loader', 'checkpoints', 'model files', 'CLIs'];

export interface FaultContext {
  backend: Backend;
  fixtures: Fixtures;
}

export interface Fault {
  id: string;
  area: Area;
  /** The bad input, in words. */
  input: string;
  expect: RegExp;
  scope: 'backend' | 'host';
  slow?: boolean;
  pending?: string;
  /** The backend the pending fix is for (default: every backend). */
  pendingOn?: 'cpu' | 'webgpu';
  /** Milliseconds before the fault counts as a hang (default 60 s). */
  timeoutMs?: number;
  run(ctx: FaultContext): unknown;
}

export const REPO = resolve(new URL('../..', import.meta.url).pathname);

/** Files the faults start from, made once per process in a scratch folder. */
export interface Fixtures {
  dir: string;
  /** A valid checkpoint (tutorial CNN, 64 images, 1 epoch) and the settings that made it. */
  checkpointDir: string;
  checkpointSettings: { backend: 'cpu'; epochs: number; batchSize: number; seed: number; trainLimit: number; testLimit: number; verbose: 0; log: () => void };
  /** The tutorial CNN saved in the TensorFlow.js format. */
  modelDir: string;
  /** A folder holding the first 100 Fashion-MNIST images and labels of each split, as IDX files (not the official ones). */
  smallIdxDir: string;
  /** The official files (linked), but the training labels uncompressed with one label changed. */
  forgedIdxDir: string;
}

export async function makeFixtures(dir: string): Promise<Fixtures> {
  const before = getBackend();
  const checkpointDir = join(dir, 'checkpoint');
  const checkpointSettings = { backend: 'cpu' as const, epochs: 1, batchSize: 64, seed: 3, trainLimit: 64, testLimit: 64, verbose: 0 as const, log: () => {} };
  await trainTutorial({ ...checkpointSettings, outDir: checkpointDir });
  setBackend(new CpuBackend());
  const modelDir = join(dir, 'model');
  const model = tutorialCnn(1);
  await saveModel(model, modelDir);
  model.dispose();
  const smallIdxDir = join(dir, 'idx-small');
  mkdirSync(smallIdxDir, { recursive: true });
  const data = loadFashionMnist({ limit: 100 });
  const idx = (magic: number, dims: number[], bytes: Uint8Array): Buffer => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([header, bytes]);
  };
  for (const [split, prefix] of [['train', 'train'], ['test', 't10k']] as const) {
    const s = data[split];
    writeFileSync(join(smallIdxDir, `${prefix}-images-idx3-ubyte`), idx(IDX_MAGIC_IMAGES, [s.count, 28, 28], Uint8Array.from(s.images, (v) => Math.round(v * 255))));
    writeFileSync(join(smallIdxDir, `${prefix}-labels-idx1-ubyte`), idx(0x801, [s.count], Uint8Array.from(s.labels)));
  }
  const forgedIdxDir = join(dir, 'idx-forged');
  mkdirSync(forgedIdxDir, { recursive: true });
  for (const base of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    symlinkSync(join(REPO, 'data/fashion-mnist', `${base}.gz`), join(forgedIdxDir, `${base}.gz`));
  }
  const labels = gunzipSync(readFileSync(join(REPO, 'data/fashion-mnist/train-labels-idx1-ubyte.gz')));
  labels[8] = (labels[8] + 1) % 10;
  writeFileSync(join(forgedIdxDir, 'train-labels-idx1-ubyte'), labels);
  setBackend(before);
  return { dir, checkpointDir, checkpointSettings, modelDir, smallIdxDir, forgedIdxDir };
}

// ------------------------------------------------------------------ helpers

/** A small classifier (16 inputs, 3 classes) and 8 samples, so fit faults are quick on every backend. */
function small(): { model: Sequential; x: { values: Float32Array; shape: number[] }; y: Int32Array } {
  const model = new Sequential([new Flatten({ inputShape: [4, 4, 1] }), new Dense({ units: 3 })], { seed: 1 }).compile({ metrics: ['accuracy'] });
  const values = Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 7) / 7);
  return { model, x: { values, shape: [8, 4, 4, 1] }, y: Int32Array.from({ length: 8 }, (_, i) => i % 3) };
}

/** Copies the valid checkpoint folder and lets `edit` spoil its file. */
function spoiledCheckpoint(ctx: FaultContext, name: string, edit: (bytes: Buffer) => Buffer): string {
  const dir = join(ctx.fixtures.dir, `ckpt-${name}`);
  cpSync(ctx.fixtures.checkpointDir, dir, { recursive: true });
  const p = checkpointPath(dir);
  writeFileSync(p, edit(readFileSync(p)));
  return dir;
}

/** Rewrites a checkpoint's header (keeping its arrays) with a correct checksum. */
function withHeader(bytes: Buffer, edit: (h: Record<string, any>) => void): Buffer {
  const n = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + n));
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(12 + json.length + pad, 0x20);
  prefix.write('WGTECKPT', 0, 'latin1');
  prefix.writeUInt32LE(json.length + pad, 8);
  json.copy(prefix, 12);
  const body = Buffer.concat([prefix, bytes.subarray(12 + n, bytes.length - 32)]);
  return forgeDigest(body);
}

/** Re-signs bytes (everything but an old digest) with a fresh SHA-256 trailer. */
function forgeDigest(body: Buffer): Buffer {
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Copies the saved model and lets `edit` change its files. */
function spoiledModel(ctx: FaultContext, name: string, edit: (dir: string) => void): string {
  const dir = join(ctx.fixtures.dir, `model-${name}`);
  cpSync(ctx.fixtures.modelDir, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editJson(path: string, edit: (j: any) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
}

/** Runs a CLI as a user would; a non-zero exit becomes an Error carrying its stderr, a zero exit returns its output. */
export function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, script), ...args], {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code, signal) => {
      if (code === 0) done(out.trim().split('\n').slice(-3).join(' | '));
      else fail(new Error(`exit ${code ?? signal}: ${err.trim() || out.trim()}`));
    });
  });
}

function idxFile(ctx: FaultContext, name: string, bytes: Uint8Array): string {
  const p = join(ctx.fixtures.dir, `idx-${name}`);
  writeFileSync(p, bytes);
  return p;
}

function idxBytes(dims: number[], payload: number, magic = IDX_MAGIC_IMAGES): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(payload, 7)]);
}

const IMAGES = { magic: IDX_MAGIC_IMAGES, dims: [null, 28, 28] };
const NOWHERE = '/nonexistent/fashion-mnist';

// ------------------------------------------------------------------ the catalogue

export const FAULTS: Fault[] = [
  // ---- ops (tensor creation and kernels' front doors) ----
  { id: 'zeros-fractional-shape', area: 'ops', scope: 'backend', input: 'zeros([2.5])', expect: /^zeros: shape \[2\.5\] must hold non-negative integers, got 2\.5 at axis 0/, run: () => zeros([2.5]) },
  { id: 'ones-nan-shape', area: 'ops', scope: 'backend', input: 'ones([NaN])', expect: /^ones: shape \[NaN\] must hold non-negative integers, got NaN at axis 0/, run: () => ones([NaN]) },
  { id: 'full-negative-shape', area: 'ops', scope: 'backend', input: 'full([2, -1], 3)', expect: /^full: shape \[2, -1\] must hold non-negative integers, got -1 at axis 1/, run: () => full([2, -1], 3) },
  { id: 'full-string-value', area: 'ops', scope: 'backend', input: "full([2], 'a')", expect: /^full: the fill value must be a number, got 'a'/, run: () => full([2], 'a' as unknown as number) },
  { id: 'zeros-not-array', area: 'ops', scope: 'backend', input: 'zeros(5)', expect: /^zeros: shape must be an array of non-negative integers, got 5/, run: () => zeros(5 as unknown as number[]) },
  { id: 'zeros-huge', area: 'ops', scope: 'backend', input: 'zeros([1e6, 1e6])', expect: /^zeros: shape \[1000000, 1000000\] has 1000000000000 elements, more than the 2147483647/, run: () => zeros([1e6, 1e6]) },
  { id: 'tensor-dtype', area: 'ops', scope: 'backend', input: "tensor([1], [1], 'float16')", expect: /^tensor: dtype must be 'float32', 'float64' or 'int32', got 'float16'/, run: () => tensor([1], [1], 'float16' as 'float32') },
  { id: 'tensor-count', area: 'ops', scope: 'backend', input: 'tensor([1, 2, 3], [2, 2])', expect: /^tensor: shape \[2,2\] holds 4 values, got 3/, run: () => tensor([1, 2, 3], [2, 2]) },
  { id: 'tensor-string-value', area: 'ops', scope: 'backend', input: "tensor([1, 'x'], [2])", expect: /^tensor: value 1 is 'x', expected a number/, run: () => tensor([1, 'x'] as unknown as number[], [2]) },
  { id: 'tensor-int32-fraction', area: 'ops', scope: 'backend', input: "tensor([1.5], [1], 'int32')", expect: /^tensor: value 0 is 1\.5, expected an integer in the int32 range/, run: () => tensor([1.5], [1], 'int32') },
  { id: 'tensor-int32-overflow', area: 'ops', scope: 'backend', input: "tensor([2**32 + 1], [1], 'int32')", expect: /^tensor: value 0 is 4294967297, expected an integer in the int32 range/, run: () => tensor([2 ** 32 + 1], [1], 'int32') },
  { id: 'conv2d-empty-filter', area: 'ops', scope: 'backend', input: 'conv2d(x [1,5,5,1], filter [0,0,1,2])', expect: /^conv2d: the filter \[0, 0, 1, 2\] \(HWIO\) must have every dimension >= 1/, run: () => conv2d(zeros([1, 5, 5, 1]), zeros([0, 0, 1, 2])) },
  { id: 'conv2d-zero-stride', area: 'ops', scope: 'backend', input: 'conv2d strides 0', expect: /^conv2d: strides must be a positive integer or a pair of them, got 0/, run: () => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), { strides: 0 }) },
  { id: 'conv2d-fractional-stride', area: 'ops', scope: 'backend', input: 'conv2d strides [1, 1.5]', expect: /^conv2d: strides must be a positive integer or a pair of them, got \[1, 1\.5\]/, run: () => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), { strides: [1, 1.5] }) },
  { id: 'conv2d-padding', area: 'ops', scope: 'backend', input: "conv2d padding 'full'", expect: /^conv2d: padding must be 'valid' or 'same', got 'full'/, run: () => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), { padding: 'full' as 'same' }) },
  { id: 'conv2d-channels', area: 'ops', scope: 'backend', input: 'conv2d x with 3 channels, filter for 1', expect: /^conv2d: input channels differ: x \[2, 8, 8, 3\] \(NHWC\) has 3 channels but the filter \[3, 3, 1, 4\] \(HWIO\) expects 1/, run: () => conv2d(zeros([2, 8, 8, 3]), zeros([3, 3, 1, 4])) },
  { id: 'conv2d-bias', area: 'ops', scope: 'backend', input: 'conv2d bias [3] for 2 filters', expect: /^conv2d: bias \[3\] must be \[2\]/, run: () => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), { bias: zeros([3]) }) },
  { id: 'maxpool-zero-pool', area: 'ops', scope: 'backend', input: 'maxPool2d poolSize 0', expect: /^maxPool2d: poolSize must be a positive integer or a pair of them, got 0/, run: () => maxPool2d(zeros([1, 4, 4, 1]), { poolSize: 0 }) },
  { id: 'maxpool-too-big', area: 'ops', scope: 'backend', input: 'maxPool2d 5x5 on a 4x4 input', expect: /^maxPool2d: a 5x5 pool with 'valid' padding does not fit the input \[1, 4, 4, 1\]/, run: () => maxPool2d(zeros([1, 4, 4, 1]), { poolSize: 5 }) },
  { id: 'matmul-inner', area: 'ops', scope: 'backend', input: 'matmul [2,3] x [4,5]', expect: /^matmul: inner dimensions differ: a \[2, 3\] · b \[4, 5\] \(3 vs 4\)/, run: () => matmul(zeros([2, 3]), zeros([4, 5])) },
  { id: 'add-broadcast', area: 'ops', scope: 'backend', input: 'add [2,3] + [4]', expect: /^add: shapes \[2, 3\] and \[4\] cannot be broadcast \(axis 1: 3 vs 4\)/, run: () => add(zeros([2, 3]), zeros([4])) },
  { id: 'reshape-size', area: 'ops', scope: 'backend', input: 'reshape [2,3] to [4,2]', expect: /^reshape: cannot reshape \[2, 3\] \(6 values\) to \[4, 2\] \(8 values\)/, run: () => reshape(zeros([2, 3]), [4, 2]) },
  { id: 'reshape-fraction', area: 'ops', scope: 'backend', input: 'reshape [2,3] to [2.5, 2]', expect: /^reshape: invalid target shape \[2\.5, 2\]/, run: () => reshape(zeros([2, 3]), [2.5, 2]) },
  { id: 'sum-axis', area: 'ops', scope: 'backend', input: 'sum over axis 2 of a rank-2 tensor', expect: /^sum: axis 2 is out of range for shape \[2, 3\] \(rank 2\)/, run: () => sum(zeros([2, 3]), 2) },
  { id: 'softmax-int32', area: 'ops', scope: 'backend', input: 'softmax of an int32 tensor', expect: /^softmax: expected x of a float dtype, got int32/, run: () => softmax(zeros([2, 3], 'int32')) },
  { id: 'xent-label-range', area: 'ops', scope: 'backend', input: 'sparseSoftmaxCrossEntropy label 10 of 10 classes (host)', expect: /^sparseSoftmaxCrossEntropy: label 1 is 10, out of range for 10 classes/, run: () => sparseSoftmaxCrossEntropy(zeros([3, 10]), [0, 10, 2]) },
  {
    id: 'xent-label-range-tensor', area: 'ops', scope: 'backend',
    input: 'sparseSoftmaxCrossEntropy label 12 as an int32 tensor, read back', expect: /(sparseSoftmaxCrossEntropy: label 1 is 12, out of range for 10 classes|sparseSoftmaxCrossEntropy: label 12 at batch position 1 is out of range for 10 classes \(expected an integer in 0\.\.9\))/,
    run: async () => sparseSoftmaxCrossEntropy(zeros([3, 10]), tensor([0, 12, 1], [3], 'int32')).data(),
  },
  {
    id: 'disposed-tensor', area: 'ops', scope: 'backend', input: 'add(t, t) after t.dispose()', expect: /^add: tensor \d+ of shape \[2\] was disposed/,
    run: () => {
      const t = zeros([2]);
      t.dispose();
      return add(t, t);
    },
  },
  {
    id: 'mixed-backends', area: 'ops', scope: 'backend', input: 'conv2d with the filter on another backend', expect: /^conv2d: tensors live on different backends/,
    run: (ctx) => {
      setBackend(new CpuBackend());
      const w = zeros([3, 3, 1, 2]);
      setBackend(ctx.backend);
      return conv2d(zeros([1, 5, 5, 1]), w);
    },
  },

  // ---- layers and models ----
  { id: 'conv2d-layer-kernel-0', area: 'layers and models', scope: 'backend', input: 'Conv2D kernelSize 0', expect: /^Conv2D: kernelSize must be a positive integer or a pair of them, got 0/, run: () => new Conv2D({ filters: 2, kernelSize: 0 }) },
  { id: 'conv2d-layer-kernel-frac', area: 'layers and models', scope: 'backend', input: 'Conv2D kernelSize 2.5', expect: /^Conv2D: kernelSize must be a positive integer or a pair of them, got 2\.5/, run: () => new Conv2D({ filters: 2, kernelSize: 2.5 }) },
  { id: 'conv2d-layer-strides', area: 'layers and models', scope: 'backend', input: 'Conv2D strides [0, 1]', expect: /^Conv2D: strides must be a positive integer or a pair of them, got \[0, 1\]/, run: () => new Conv2D({ filters: 2, kernelSize: 3, strides: [0, 1] }) },
  { id: 'conv2d-layer-filters', area: 'layers and models', scope: 'backend', input: 'Conv2D filters 0', expect: /^Conv2D: filters must be a positive integer, got 0/, run: () => new Conv2D({ filters: 0, kernelSize: 3 }) },
  { id: 'maxpool-layer-pool-0', area: 'layers and models', scope: 'backend', input: 'MaxPooling2D poolSize 0', expect: /^MaxPooling2D: poolSize must be a positive integer or a pair of them, got 0/, run: () => new MaxPooling2D({ poolSize: 0 }) },
  { id: 'maxpool-layer-pool-frac', area: 'layers and models', scope: 'backend', input: 'MaxPooling2D poolSize 1.5', expect: /^MaxPooling2D: poolSize must be a positive integer or a pair of them, got 1\.5/, run: () => new MaxPooling2D({ poolSize: 1.5 }) },
  { id: 'maxpool-layer-strides', area: 'layers and models', scope: 'backend', input: 'MaxPooling2D strides 0.5', expect: /^MaxPooling2D: strides must be a positive integer or a pair of them, got 0\.5/, run: () => new MaxPooling2D({ poolSize: 2, strides: 0.5 }) },
  { id: 'dense-units', area: 'layers and models', scope: 'backend', input: 'Dense units 0', expect: /^Dense: units must be a positive integer, got 0/, run: () => new Dense({ units: 0 }) },
  { id: 'dense-activation', area: 'layers and models', scope: 'backend', input: "Dense activation 'selu'", expect: /^Dense: unknown activation 'selu' \(expected one of 'linear', 'relu', .*'swish'\)/, run: () => new Dense({ units: 2, activation: 'selu' as 'relu' }) },
  { id: 'layer-input-shape', area: 'layers and models', scope: 'backend', input: 'Conv2D inputShape [28, 0, 1]', expect: /^Conv2D: inputShape must be a non-empty array of positive integers \(no batch axis\), got \[28, 0, 1\]/, run: () => new Conv2D({ filters: 2, kernelSize: 3, inputShape: [28, 0, 1] }) },
  { id: 'layer-no-args', area: 'layers and models', scope: 'backend', input: 'new Dense() without options', expect: /^Dense: expected an options object, got undefined/, run: () => new (Dense as unknown as new () => Dense)() },
  {
    id: 'dense-without-flatten', area: 'layers and models', scope: 'backend', input: 'Dense right after a Conv2D, then fit',
    expect: /^fit: the model's output is \[26, 26, 3\] per sample; sparse categorical cross-entropy takes logits \[classes\] \(a Flatten before the last Dense\?\)/,
    run: () => new Sequential([new Conv2D({ filters: 2, kernelSize: 3, inputShape: [28, 28, 1] }), new Dense({ units: 3 })]).compile()
      .fit({ values: new Float32Array(2 * 784), shape: [2, 28, 28, 1] }, [0, 1], { verbose: 0 }),
  },
  { id: 'model-no-input-shape', area: 'layers and models', scope: 'backend', input: 'a model whose first layer has no inputShape', expect: /^Sequential: the first layer needs an inputShape/, run: () => new Sequential([new Dense({ units: 3 })]).build() },
  { id: 'model-not-a-layer', area: 'layers and models', scope: 'backend', input: 'Sequential([{ units: 3 }])', expect: /^sequential\.add: expected a Layer \(Conv2D, Dense, \.\.\.\), got \{"units":3\}/, run: () => new Sequential([{ units: 3 } as unknown as Dense]) },
  {
    id: 'model-disposed', area: 'layers and models', scope: 'backend', input: 'model.apply after model.dispose()', expect: /^sequential\.apply: the model was disposed/,
    run: () => {
      const { model } = small();
      model.build();
      model.dispose();
      return model.apply(zeros([1, 4, 4, 1]));
    },
  },
  {
    id: 'model-disposed-fit', area: 'layers and models', scope: 'backend', input: 'model.fit after model.dispose()', expect: /^sequential\.fit: the model was disposed/,
    run: () => {
      const { model, x, y } = small();
      model.dispose();
      return model.fit(x, y, { verbose: 0 });
    },
  },
  { id: 'set-weights-count', area: 'layers and models', scope: 'backend', input: 'setWeights with 1 array for 2 parameters', expect: /^sequential\.setWeights: expected 2 arrays \(dense\/kernel, dense\/bias\), got 1/, run: () => small().model.setWeights([new Float32Array(48)]) },
  { id: 'set-weights-shape', area: 'layers and models', scope: 'backend', input: 'setWeights with a kernel of 5 values', expect: /dense\/kernel has shape \[16,3\] \(48 values\), got 5 values/, run: () => small().model.setWeights([new Float32Array(5), new Float32Array(3)]) },
  { id: 'set-weights-missing', area: 'layers and models', scope: 'backend', input: 'setWeights([kernel, undefined])', expect: /^sequential\.setWeights: array 1 \(dense\/bias\) is undefined, expected an array of 3 numbers/, run: () => small().model.setWeights([new Float32Array(48), undefined as unknown as Float32Array]) },
  { id: 'compile-loss', area: 'layers and models', scope: 'backend', input: "compile({ loss: 'mse' })", expect: /^compile: loss 'mse' is not supported/, run: () => small().model.compile({ loss: 'mse' as 'sparseCategoricalCrossentropy' }) },
  { id: 'adam-nan', area: 'layers and models', scope: 'backend', input: 'new Adam({ learningRate: NaN })', expect: /^Adam: learningRate must be .*got NaN/, run: () => new Adam({ learningRate: NaN }) },
  { id: 'adam-infinite', area: 'layers and models', scope: 'backend', input: 'new Adam({ epsilon: Infinity })', expect: /^Adam: epsilon must be > 0 and finite, got Infinity/, run: () => new Adam({ epsilon: Infinity }) },

  // ---- fit / evaluate / predict ----
  { id: 'fit-batch-0', area: 'fit/evaluate/predict', scope: 'backend', timeoutMs: 20_000, input: 'fit batchSize 0', expect: /^fit: batchSize must be a positive integer, got 0/, run: () => { const s = small(); return s.model.fit(s.x, s.y, { batchSize: 0, verbose: 0 }); } },
  { id: 'fit-batch-frac', area: 'fit/evaluate/predict', scope: 'backend', timeoutMs: 20_000, input: 'fit batchSize 2.5', expect: /^fit: batchSize must be a positive integer, got 2\.5/, run: () => { const s = small(); return s.model.fit(s.x, s.y, { batchSize: 2.5, verbose: 0 }); } },
  { id: 'fit-epochs-negative', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit epochs -1', expect: /^fit: epochs must be an integer >= 0, got -1/, run: () => { const s = small(); return s.model.fit(s.x, s.y, { epochs: -1, verbose: 0 }); } },
  { id: 'fit-no-samples', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit on 0 samples', expect: /^fit: x has 0 samples; expected at least one/, run: () => { const s = small(); return s.model.fit({ values: new Float32Array(0), shape: [0, 4, 4, 1] }, new Int32Array(0), { verbose: 0 }); } },
  { id: 'evaluate-no-samples', area: 'fit/evaluate/predict', scope: 'backend', input: 'evaluate on 0 samples', expect: /^evaluate: x has 0 samples; expected at least one/, run: () => { const s = small(); return s.model.evaluate({ values: new Float32Array(0), shape: [0, 4, 4, 1] }, new Int32Array(0)); } },
  { id: 'fit-label-fraction', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit with label 1.5 at sample 5', expect: /^fit: label y\[5\] is 1\.5, expected an integer class index in \[0, 3\)/, run: () => { const s = small(); const y = Array.from(s.y); y[5] = 1.5; return s.model.fit(s.x, y, { verbose: 0 }); } },
  { id: 'fit-label-nan', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit with label NaN at sample 2', expect: /^fit: label y\[2\] is NaN, expected an integer class index in \[0, 3\)/, run: () => { const s = small(); const y = Array.from(s.y); y[2] = NaN; return s.model.fit(s.x, y, { verbose: 0 }); } },
  { id: 'fit-label-wrap', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit with label 2^32+1 at sample 0', expect: /^fit: label y\[0\] is 4294967297, out of range for 3 classes \(expected 0\.\.2\)/, run: () => { const s = small(); const y = Array.from(s.y); y[0] = 2 ** 32 + 1; return s.model.fit(s.x, y, { verbose: 0 }); } },
  { id: 'evaluate-label-range', area: 'fit/evaluate/predict', scope: 'backend', input: 'evaluate with label 7 of 3 classes at sample 4', expect: /^evaluate: label y\[4\] is 7, out of range for 3 classes \(expected 0\.\.2\)/, run: () => { const s = small(); const y = Int32Array.from(s.y); y[4] = 7; return s.model.evaluate(s.x, y); } },
  { id: 'fit-x-shape', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit x of shape [8, 16] for a [4, 4, 1] model', expect: /^fit: expected x of shape \[n, 4, 4, 1\], got \[8, 16\]/, run: () => { const s = small(); return s.model.fit({ values: s.x.values, shape: [8, 16] }, s.y, { verbose: 0 }); } },
  { id: 'fit-y-count', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit with 8 samples and 3 labels', expect: /^fit: x has 8 samples but y has 3 labels/, run: () => { const s = small(); return s.model.fit(s.x, [0, 1, 2], { verbose: 0 }); } },
  { id: 'fit-values-count', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit x with 100 values for shape [8, 4, 4, 1]', expect: /^fit: x has 100 values but shape \[8, 4, 4, 1\]/, run: () => { const s = small(); return s.model.fit({ values: new Float32Array(100), shape: [8, 4, 4, 1] }, s.y, { verbose: 0 }); } },
  { id: 'predict-typed-array', area: 'fit/evaluate/predict', scope: 'backend', input: 'predict(Float32Array) instead of { values, shape }', expect: /^predict: expected x as \{ values, shape \} with values a Float32Array and shape \[n, 4, 4, 1\], got a Float32Array of 16 values/, run: () => small().model.predict(new Float32Array(16) as unknown as { values: Float32Array; shape: number[] }) },
  { id: 'predict-plain-values', area: 'fit/evaluate/predict', scope: 'backend', input: 'predict({ values: plain array, shape })', expect: /^predict: x\.values must be a Float32Array, got an array of 16 values/, run: () => small().model.predict({ values: Array(16).fill(0) as unknown as Float32Array, shape: [1, 4, 4, 1] }) },
  { id: 'predict-x-shape', area: 'fit/evaluate/predict', scope: 'backend', input: 'predict x of shape [2, 4, 4] for a [4, 4, 1] model', expect: /^predict: expected x of shape \[n, 4, 4, 1\], got \[2, 4, 4\]/, run: () => small().model.predict({ values: new Float32Array(32), shape: [2, 4, 4] }) },
  { id: 'evaluate-validation-shape', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit with validationData of the wrong sample shape', expect: /^fit: expected validationData x of shape \[n, 4, 4, 1\], got \[8, 16\]/, run: () => { const s = small(); return s.model.fit(s.x, s.y, { verbose: 0, validationData: [{ values: s.x.values, shape: [8, 16] }, s.y] }); } },
  { id: 'train-step-label', area: 'fit/evaluate/predict', scope: 'backend', input: 'trainStep with host label 3 of 3 classes', expect: /^trainStep: label 1 is 3, out of range for 3 classes/, run: () => { const s = small(); return trainStep(s.model, new Adam(), tensor(s.x.values.subarray(0, 32), [2, 4, 4, 1]), [0, 3]); } },
  { id: 'fit-not-compiled', area: 'fit/evaluate/predict', scope: 'backend', input: 'fit before compile()', expect: /^sequential\.fit: call compile\(\) first/, run: () => { const m = new Sequential([new Flatten({ inputShape: [2] }), new Dense({ units: 2 })]); return m.fit({ values: new Float32Array(2), shape: [1, 2] }, [0]); } },

  // ---- data loader ----
  { id: 'idx-not-idx', area: 'data loader', scope: 'host', input: 'a text file read as IDX', expect: /idx-text: bad magic number .*not an IDX file/, run: (ctx) => readIdxFile(idxFile(ctx, 'text', Buffer.from('hello world, not idx')), { expect: IMAGES }) },
  { id: 'idx-empty', area: 'data loader', scope: 'host', input: 'an empty IDX file', expect: /idx-empty: too short for an IDX header: 0 bytes, expected at least 4/, run: (ctx) => readIdxFile(idxFile(ctx, 'empty', new Uint8Array(0)), { expect: IMAGES }) },
  { id: 'idx-truncated', area: 'data loader', scope: 'host', input: 'an images file 1 byte short', expect: /idx-truncated: truncated: header declares 2 items of 784 bytes .* 1 bytes missing/, run: (ctx) => readIdxFile(idxFile(ctx, 'truncated', idxBytes([2, 28, 28], 2 * 784 - 1)), { expect: IMAGES }) },
  { id: 'idx-trailing', area: 'data loader', scope: 'host', input: 'an images file with 10 extra bytes', expect: /idx-trailing: trailing garbage: .*10 extra bytes/, run: (ctx) => readIdxFile(idxFile(ctx, 'trailing', idxBytes([2, 28, 28], 2 * 784 + 10)), { expect: IMAGES }) },
  { id: 'idx-dims', area: 'data loader', scope: 'host', input: 'images of 27x28', expect: /idx-dims: bad dimensions 2 x 27 x 28, expected N x 28 x 28/, run: (ctx) => readIdxFile(idxFile(ctx, 'dims', idxBytes([2, 27, 28], 2 * 27 * 28)), { expect: IMAGES }) },
  { id: 'idx-labels-as-images', area: 'data loader', scope: 'host', input: 'a labels file where images are expected', expect: /idx-labels: bad magic number .*expected/, run: (ctx) => readIdxFile(idxFile(ctx, 'labels', idxBytes([3], 3, 0x801)), { expect: IMAGES }) },
  { id: 'idx-bad-gzip', area: 'data loader', scope: 'host', input: 'a corrupted .gz', expect: /idx-gz: cannot decompress gzip data .*truncated or corrupted/, run: (ctx) => { const gz = gzipSync(idxBytes([2, 28, 28], 2 * 784)); return readIdxFile(idxFile(ctx, 'gz', gz.subarray(0, gz.length >> 1)), { expect: IMAGES }); } },
  { id: 'data-subset', area: 'data loader', scope: 'host', input: 'a --data folder holding a 100-image subset', expect: /no usable data location[^]*idx-small\/train-images-idx3-ubyte: bad dimensions 100 x 28 x 28, expected 60000 x 28 x 28/, run: (ctx) => loadFashionMnist({ dataDir: ctx.fixtures.smallIdxDir, env: {}, repoDir: NOWHERE, systemDir: NOWHERE }) },
  { id: 'data-not-official', area: 'data loader', scope: 'host', input: 'a --data folder whose training labels differ from the official file in one label', expect: /no usable data location[^]*idx-forged\/train-labels-idx1-ubyte: checksum mismatch: SHA-256 of the file is [0-9a-f]{64}, expected one of/, run: (ctx) => loadFashionMnist({ dataDir: ctx.fixtures.forgedIdxDir, env: {}, repoDir: NOWHERE, systemDir: NOWHERE }) },
  { id: 'data-missing', area: 'data loader', scope: 'host', input: 'no data in any location', expect: /no usable data location[^]*FASHION_MNIST_DIR environment variable: not set[^]*\/nonexistent\/fashion-mnist: directory does not exist/, run: () => loadFashionMnist({ env: {}, repoDir: NOWHERE, systemDir: NOWHERE }) },
  { id: 'data-dir-is-file', area: 'data loader', scope: 'host', input: '--data pointing at a file', expect: /dataDir option \(--data\) .*idx-text: not a directory/, run: (ctx) => loadFashionMnist({ dataDir: join(ctx.fixtures.dir, 'idx-text'), env: {}, repoDir: NOWHERE, systemDir: NOWHERE }) },
  { id: 'data-limit-negative', area: 'data loader', scope: 'host', input: 'limit -1', expect: /^loadFashionMnist: limit\.train must be a non-negative integer, got -1/, run: () => loadFashionMnist({ limit: -1 }) },
  { id: 'data-limit-fraction', area: 'data loader', scope: 'host', input: 'limit { test: 2.5 }', expect: /^loadFashionMnist: limit\.test must be a non-negative integer, got 2\.5/, run: () => loadFashionMnist({ limit: { test: 2.5 } }) },

  // ---- checkpoints ----
  { id: 'ckpt-flipped-bit', area: 'checkpoints', scope: 'host', input: 'a checkpoint with one bit flipped in the weights', expect: /^checkpoint .*ckpt-flip\/checkpoint\.bin: checksum mismatch/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'flip', (b) => { b[b.length >> 1] ^= 4; return b; }))) },
  { id: 'ckpt-truncated', area: 'checkpoints', scope: 'host', input: 'a checkpoint cut short', expect: /^checkpoint .*ckpt-cut\/checkpoint\.bin: checksum mismatch.*truncated or corrupted/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'cut', (b) => b.subarray(0, b.length - 100)))) },
  { id: 'ckpt-negative-epoch', area: 'checkpoints', scope: 'host', input: 'epoch: -5 (with a valid checksum)', expect: /^checkpoint .*ckpt-epoch\/checkpoint\.bin: header field epoch is -5, expected an integer >= 1/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'epoch', (b) => withHeader(b, (h) => { h.epoch = -5; })))) },
  { id: 'ckpt-nan-array', area: 'checkpoints', scope: 'host', input: 'a NaN in the weights (with a valid checksum)', expect: /^checkpoint .*ckpt-nan\/checkpoint\.bin: array weights\/conv2d\/kernel holds NaN at index 0, expected finite numbers only/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'nan', (b) => { const n = b.readUInt32LE(8); const c = Buffer.from(b); c.writeFloatLE(NaN, 12 + n); return withHeader(c, () => {}); }))) },
  { id: 'ckpt-not-json', area: 'checkpoints', scope: 'host', input: 'a header that is not JSON (with a valid checksum)', expect: /^checkpoint .*ckpt-json\/checkpoint\.bin: the header is not valid JSON/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'json', (b) => { const body = Buffer.from(b.subarray(0, b.length - 32)); body.write('{{', 12, 'latin1'); return forgeDigest(body); }))) },
  { id: 'ckpt-version-1', area: 'checkpoints', scope: 'host', input: 'a version-1 checkpoint', expect: /^checkpoint .*ckpt-v1\/checkpoint\.bin: format version 1 .*train again without --resume/, run: (ctx) => readCheckpoint(checkpointPath(spoiledCheckpoint(ctx, 'v1', (b) => { const c = Buffer.from(b); c.write('WGTECKP1', 0, 'latin1'); return c; }))) },
  { id: 'ckpt-resume-seed', area: 'checkpoints', scope: 'host', input: '--resume with another seed', expect: /^--resume: checkpoint .*checkpoint\.bin was made by a different run[^]*seed: 3 in the checkpoint, 4 in this run/, run: (ctx) => trainTutorial({ ...ctx.fixtures.checkpointSettings, seed: 4, outDir: spoiledCheckpoint(ctx, 'seed', (b) => b), resume: true }) },
  { id: 'ckpt-resume-data', area: 'checkpoints', scope: 'host', input: '--resume on a different data subset', expect: /was made by a different run[^]*training data: \{"count":64,.* in the checkpoint, \{"count":96,/, run: (ctx) => trainTutorial({ ...ctx.fixtures.checkpointSettings, trainLimit: 96, outDir: spoiledCheckpoint(ctx, 'data', (b) => b), resume: true }) },
  { id: 'ckpt-missing', area: 'checkpoints', scope: 'host', input: '--resume with no checkpoint', expect: /^checkpoint .*ckpt-none\/checkpoint\.bin: no such file; train without --resume first/, run: (ctx) => { const dir = join(ctx.fixtures.dir, 'ckpt-none'); mkdirSync(dir, { recursive: true }); return trainTutorial({ ...ctx.fixtures.checkpointSettings, outDir: dir, resume: true }); } },

  // ---- model files ----
  { id: 'model-missing', area: 'model files', scope: 'host', input: 'loadModel of a folder without model.json', expect: /^loadModel: cannot read .*\/nowhere\/model\.json: ENOENT/, run: (ctx) => loadModel(join(ctx.fixtures.dir, 'nowhere')) },
  { id: 'model-not-json', area: 'model files', scope: 'host', input: 'model.json that is not JSON', expect: /^loadModel: .*model-json\/model\.json is not valid JSON/, run: (ctx) => loadModel(spoiledModel(ctx, 'json', (d) => writeFileSync(join(d, 'model.json'), '{"modelTopology": '))) },
  { id: 'model-weights-short', area: 'model files', scope: 'host', input: 'weights.bin 4 bytes short', expect: /^loadModel\(.*model-short\/model\.json\): .*(bytes|length)/, run: (ctx) => loadModel(spoiledModel(ctx, 'short', (d) => { const p = join(d, 'weights.bin'); writeFileSync(p, readFileSync(p).subarray(4)); })) },
  { id: 'model-weights-missing', area: 'model files', scope: 'host', input: 'model.json without its weights.bin', expect: /^loadModel: cannot read weights file .*model-nobin\/weights\.bin \(named in .*model\.json\)/, run: (ctx) => loadModel(spoiledModel(ctx, 'nobin', (d) => rmSync(join(d, 'weights.bin')))) },
  { id: 'model-unknown-layer', area: 'model files', scope: 'host', input: 'a model.json with an LSTM layer', expect: /^loadModel\(.*model-lstm\/model\.json\): .*LSTM/, run: (ctx) => loadModel(spoiledModel(ctx, 'lstm', (d) => editJson(join(d, 'model.json'), (j) => { j.modelTopology.config.layers[1].class_name = 'LSTM'; }))) },
  { id: 'model-weight-shape', area: 'model files', scope: 'host', input: 'a manifest kernel of shape [1, 1, 9, 32] (same size) for a 3x3 conv', expect: /^loadModel\(.*model-shape\/model\.json\): .*layer 'conv2d' .*expected shape \[3, 3, 1, 32\], .*has shape \[1, 1, 9, 32\]/, run: (ctx) => loadModel(spoiledModel(ctx, 'shape', (d) => editJson(join(d, 'model.json'), (j) => { j.weightsManifest[0].weights[0].shape = [1, 1, 9, 32]; }))) },
  { id: 'model-flipped-bit', area: 'model files', scope: 'host', input: 'weights.bin with one bit flipped (same length)', expect: /model-flip.*(checksum|SHA-256|digest)/, run: (ctx) => loadModel(spoiledModel(ctx, 'flip', (d) => { const p = join(d, 'weights.bin'); const b = readFileSync(p); b[100] ^= 1; writeFileSync(p, b); })) },

  // ---- CLIs (spawned as a user runs them) ----
  { id: 'cli-train-batch-0', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 300_000, input: 'npm run train -- --batch-size 0', expect: /--batch-size must be a positive integer, got '0'/, run: (ctx) => runCli('model/train-cli.ts', ['--batch-size', '0', '--quick', '--epochs', '1', '--out', join(ctx.fixtures.dir, 'cli-b0'), '--backend', 'cpu', '--verbose', '0']) },
  { id: 'cli-train-epochs-0', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 300_000, input: 'npm run train -- --epochs 0', expect: /--epochs must be a positive integer, got '0'/, run: (ctx) => runCli('model/train-cli.ts', ['--epochs', '0', '--quick', '--out', join(ctx.fixtures.dir, 'cli-e0'), '--backend', 'cpu', '--verbose', '0']) },
  { id: 'cli-train-batch-text', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run train -- --batch-size abc', expect: /^exit 1: train: --batch-size must be a .*integer, got 'abc'/, run: () => runCli('model/train-cli.ts', ['--batch-size', 'abc']) },
  { id: 'cli-train-backend', area: 'CLIs', scope: 'host', timeoutMs: 120_000, input: 'npm run train -- --backend tpu', expect: /^exit 1: train: --backend must be auto, webgpu or cpu, got 'tpu'/, run: () => runCli('model/train-cli.ts', ['--backend', 'tpu']) },
  { id: 'cli-train-unknown-flag', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run train -- --epoch 3 (a typo)', expect: /^exit 1: train: Unknown option '--epoch'/, run: () => runCli('model/train-cli.ts', ['--epoch', '3']) },
  { id: 'cli-train-resume-none', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 300_000, input: 'npm run train -- --resume in an empty folder', expect: /^exit 1: train: checkpoint .*cli-empty\/checkpoint\.bin: no such file; train without --resume first/, run: (ctx) => runCli('model/train-cli.ts', ['--resume', '--quick', '--backend', 'cpu', '--out', join(ctx.fixtures.dir, 'cli-empty')]) },
  { id: 'cli-train-resume-corrupt', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 300_000, input: 'npm run train -- --resume from a corrupted checkpoint', expect: /^exit 1: train: checkpoint .*ckpt-cli\/checkpoint\.bin: checksum mismatch/, run: (ctx) => runCli('model/train-cli.ts', ['--resume', '--quick', '--backend', 'cpu', '--out', spoiledCheckpoint(ctx, 'cli', (b) => { b[40] ^= 1; return b; })]) },
  { id: 'cli-predict-index', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run predict -- --index 10000', expect: /^exit 1: predict: --index 10000 is out of range: the test set has 10000 images \(0\.\.9999\)/, run: (ctx) => runCli('model/predict-cli.ts', ['--model', ctx.fixtures.modelDir, '--index', '10000']) },
  { id: 'cli-predict-negative', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run predict -- --index -1', expect: /^exit 1: predict: --index must be a non-negative integer, got '-1'/, run: (ctx) => runCli('model/predict-cli.ts', ['--model', ctx.fixtures.modelDir, '--index=-1']) },
  { id: 'cli-predict-no-model', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run predict -- --model /nonexistent --index 0', expect: /^exit 1: predict: loadModel: cannot read \/nonexistent\/model\.json/, run: () => runCli('model/predict-cli.ts', ['--model', '/nonexistent', '--index', '0']) },
  { id: 'cli-predict-not-png', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run predict -- --image notes.txt', expect: /^exit 1: predict: --image .*notes\.txt: .*(PNG|signature)/i, run: (ctx) => { const p = join(ctx.fixtures.dir, 'notes.txt'); writeFileSync(p, 'not an image'); return runCli('model/predict-cli.ts', ['--model', ctx.fixtures.modelDir, '--image', p]); } },
  {
    id: 'cli-predict-tall-png', area: 'CLIs', scope: 'host', slow: true, timeoutMs: 120_000, input: 'npm run predict -- --image a 1x100000 PNG',
    expect: /^exit 1: predict: --image .*tall\.png: .*(too large|at most|exceeds|pixels)/,
    run: (ctx) => { const p = join(ctx.fixtures.dir, 'tall.png'); const png = new PNG({ width: 1, height: 100_000 }); writeFileSync(p, PNG.sync.write(png)); return runCli('model/predict-cli.ts', ['--model', ctx.fixtures.modelDir, '--image', p]); },
  },
];

