/**
 * `npm run predict` — classify one image with a saved model (TensorFlow.js Layers format).
 * See HELP. Exported pieces (parsePredictArgs, pngToInput, predictImage, main) are used by
 * test/predict-cli.test.ts without spawning a process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { Ensemble, endsInSoftmax, parseModelList, parseWeightList, type Classifier } from './ensemble.js';
import { loadLayersModel } from './saved-model.js';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_IMAGE_SIZE, loadFashionMnist } from './data/fashion-mnist.js';
import { softmax } from './metrics.js';
import { resizeWeights } from '../engine/ops/from-pixels-resize.js';

export const HELP = `Usage: npm run predict -- [--model DIR | --ensemble DIR1,DIR2,...] (--index N | --image FILE.png) [options]

Classifies one image with a model saved in the TensorFlow.js Layers format
(model.json + weights.bin, as written by npm run train or by TensorFlow.js;
Sequential or functional), or with an ensemble of such models, and
prints the most likely classes with their probabilities (softmax of the logits;
a model whose last layer already applies softmax is used as is).

Input (one of):
  --index N        image N (0-based) of the Fashion-MNIST test set (10,000 images);
                   its true class is printed too
  --image FILE     a PNG file. A 28x28 grayscale PNG is used as is (pixel / 255).
                   Any other PNG is converted: colour to grayscale by luma
                   (0.299 R + 0.587 G + 0.114 B), transparent pixels laid over the
                   background, a non-square image padded (centred) to a square with the
                   background so it is not distorted, then resized to 28x28 (area
                   averaging when shrinking, bilinear when enlarging). At most 16384
                   pixels a side and 50 million in all.
                   Fashion-MNIST images are light objects on a black background: for a
                   dark object on a light background (a photo on white paper, a product
                   shot) add --invert.

Options:
  --model DIR      the saved model's folder, or its model.json (default runs/latest/model)
  --ensemble DIRS  several saved models, comma-separated, instead of --model: each model's
                   class probabilities (softmax of its logits) are averaged. The models may
                   differ in architecture (Sequential or functional) but must take the same
                   input and have the same number of classes
  --weights W      with --ensemble: one positive weight per model, comma-separated, e.g.
                   2,1,1 (normalised to sum 1; default equal weights)
  --invert         invert the image (255 - value) after the grayscale conversion
  --top K          how many classes to print (default 3, at most the number of classes)
  --data DIR       folder with the Fashion-MNIST files, for --index (else FASHION_MNIST_DIR,
                   the repository's data/fashion-mnist, /usr/share/datasets/fashion-mnist)
  --backend B      cpu (the default: one image is instant on the CPU), webgpu or auto
  -h, --help       this text
`;

export interface PredictOptions {
  model: string;
  /** --ensemble: the models' folders (then `model` is unused). */
  ensemble?: string[];
  /** --weights: one per --ensemble model, as given (Ensemble.load normalises them). */
  weights?: number[];
  index?: number;
  image?: string;
  invert: boolean;
  top: number;
  data?: string;
  backend: 'cpu' | 'webgpu' | 'auto';
  help: boolean;
}

export function parsePredictArgs(argv: string[]): PredictOptions {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      ensemble: { type: 'string' },
      weights: { type: 'string' },
      index: { type: 'string' },
      image: { type: 'string' },
      invert: { type: 'boolean', default: false },
      top: { type: 'string', default: '3' },
      data: { type: 'string' },
      backend: { type: 'string', default: 'cpu' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}' (see --help)`);
  const help = a.help ?? false;
  const backend = a.backend as PredictOptions['backend'];
  if (!['cpu', 'webgpu', 'auto'].includes(backend)) throw new Error(`--backend must be cpu, webgpu or auto, got '${a.backend}'`);
  const top = Number(a.top);
  if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a positive integer, got '${a.top}'`);
  let index: number | undefined;
  if (a.index !== undefined) {
    index = Number(a.index);
    if (a.index.trim() === '' || !Number.isInteger(index) || index < 0) throw new Error(`--index must be a non-negative integer, got '${a.index}'`);
  }
  if (!help) {
    if (index === undefined && a.image === undefined) throw new Error('give --index N (a test image) or --image FILE.png (see --help)');
    if (index !== undefined && a.image !== undefined) throw new Error('give either --index or --image, not both');
    if (index !== undefined && a.invert) throw new Error('--invert applies to --image only (test images are already light on black)');
  }
  if (a.model !== undefined && a.ensemble !== undefined) throw new Error('give either --model DIR or --ensemble DIR1,DIR2,..., not both');
  if (a.weights !== undefined && a.ensemble === undefined) throw new Error('--weights applies to --ensemble DIR1,DIR2,... only');
  const ensemble = a.ensemble === undefined ? undefined : parseModelList(a.ensemble, '--ensemble');
  const weights = a.weights === undefined ? undefined : parseWeightList(a.weights);
  if (ensemble && weights && weights.length !== ensemble.length) {
    throw new Error(`--weights: expected one weight per --ensemble model (${ensemble.length}), got ${weights.length}`);
  }
  return { model: a.model ?? 'runs/latest/model', ensemble, weights, index, image: a.image, invert: a.invert ?? false, top, data: a.data, backend, help };
}

// ---------------------------------------------------------------------------------------------
// Image preprocessing
// ---------------------------------------------------------------------------------------------

// The 1-D resize rule is the engine's (fromPixels uses it too), so a picture gets the same
// input from `predict --image` and from the playground.
export { resizeWeights };

/**
 * Separable resize of a single-channel image (row-major, width w, height h) to size x size,
 * after padding it (centred) to a square of side max(w, h) with 0. The square is never built,
 * nor walked: weights that fall on the padding are dropped (they would add 0), so a 1x16000
 * strip costs about 16000 values and steps, not 16000^2.
 */
export function resizeGray(src: Float32Array, w: number, h: number, size: number): Float32Array {
  const side = Math.max(w, h);
  const ox = Math.floor((side - w) / 2);
  const oy = Math.floor((side - h) / 2);
  // Only the weights on the image itself, with indices shifted into it: the rest multiply 0.
  const inside = (weights: [number, number][][], offset: number, n: number) =>
    weights.map((ws) => ws.filter(([i]) => i >= offset && i < offset + n).map(([i, k]): [number, number] => [i - offset, k]));
  const wx = inside(resizeWeights(side, size), ox, w);
  const wy = inside(resizeWeights(side, size), oy, h);
  const rows = new Float32Array(h * size);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (const [i, k] of wx[x]) s += src[y * w + i] * k;
      rows[y * size + x] = s;
    }
  }
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (const [j, k] of wy[y]) s += rows[j * size + x] * k;
      out[y * size + x] = s;
    }
  }
  return out;
}

/** Largest PNG accepted by --image: per side, and in pixels (a 48-megapixel photo fits). */
export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Width and height from a PNG's IHDR chunk, without decoding it; null if the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) return null;
  if (String.fromCharCode(png[12], png[13], png[14], png[15]) !== 'IHDR') return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * A PNG as the model's input: size*size values in [0, 1], light object on black (see HELP for
 * the conversion). A size*size grayscale PNG gives exactly pixel / 255.
 */
export function pngToInput(png: Uint8Array, options: { invert?: boolean; size?: number } = {}): Float32Array {
  const size = options.size ?? FASHION_MNIST_IMAGE_SIZE;
  const invert = options.invert ?? false;
  const dims = pngSize(png);
  if (dims && (dims.width > MAX_IMAGE_SIDE || dims.height > MAX_IMAGE_SIDE || dims.width * dims.height > MAX_IMAGE_PIXELS)) {
    throw new Error(
      `the PNG is ${dims.width}x${dims.height} pixels; at most ${MAX_IMAGE_SIDE} pixels a side and ` +
        `${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels in all are supported (shrink it first)`,
    );
  }
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (err) {
    throw new Error(`not a readable PNG: ${(err as Error).message}`);
  }
  const { width: w, height: h, data } = decoded; // RGBA, 8 bits per channel
  // Grayscale in [0, 1], inverted if asked; transparency blends towards the background (0 after inversion).
  const gray = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    const r = data[4 * p];
    const g = data[4 * p + 1];
    const b = data[4 * p + 2];
    const alpha = data[4 * p + 3] / 255;
    const luma = (r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b) / 255;
    gray[p] = (invert ? 1 - luma : luma) * alpha;
  }
  // Padded (centred) to a square with the background, so resizing keeps the aspect ratio.
  const out = w === size && h === size ? gray : resizeGray(gray, w, h, size);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------------

export interface ClassScore {
  classIndex: number;
  className: string;
  probability: number;
}

export interface ImagePrediction {
  /** The model's raw outputs (logits, or probabilities when its last layer applies softmax); an ensemble's probabilities. */
  outputs: Float32Array;
  probabilities: Float32Array;
  /** Every class, most likely first. */
  ranked: ClassScore[];
}

/** Every class with its probability, most likely first (lowest index first on ties). */
export function rankClasses(probabilities: Float32Array, classNames: readonly string[] = FASHION_MNIST_CLASS_NAMES): ClassScore[] {
  const names = probabilities.length === classNames.length ? classNames : [...probabilities].map((_, i) => `class ${i}`);
  return [...probabilities]
    .map((probability, classIndex) => ({ classIndex, className: names[classIndex], probability }))
    .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex);
}

/** Why a model gave a non-finite output, for an error instead of a "NaN%" line. */
async function nonFiniteOutputs(model: Classifier, outputs: Float32Array, at: number): Promise<string> {
  const names = model.weightList().map((w) => w.name);
  const broken = (await model.getWeights())
    .map((w, i) => ({ name: names[i], count: w.reduce((n, v) => n + (Number.isFinite(v) ? 0 : 1), 0) }))
    .filter((b) => b.count > 0);
  const cause = broken.length > 0
    ? `its weights hold non-finite values (${broken.map((b) => `${b.count} in ${b.name}`).join(', ')}): it was saved from a run that diverged, or the file is damaged`
    : 'its weights are finite, so the values overflowed on the way';
  return `the model's output ${at} is ${outputs[at]} (of ${outputs.length} outputs), so there are no probabilities to print; ${cause}`;
}

/** Classifies one image (28*28 values in [0, 1]); a non-finite output is an error. */
export async function predictImage(model: Classifier, pixels: Float32Array, classNames: readonly string[] = FASHION_MNIST_CLASS_NAMES): Promise<ImagePrediction> {
  const shape = model.inputShape;
  const per = shape.reduce((a, b) => a * b, 1);
  if (pixels.length !== per) throw new Error(`the model expects an input of shape [${shape.join(', ')}] (${per} values), got ${pixels.length} values`);
  const badPixel = pixels.findIndex((v) => !Number.isFinite(v));
  if (badPixel >= 0) throw new Error(`the image's value ${badPixel} is ${pixels[badPixel]}; expected finite values in [0, 1]`);
  const outputs = await model.predict({ values: pixels, shape: [1, ...shape] });
  const badOutput = outputs.findIndex((v) => !Number.isFinite(v));
  if (badOutput >= 0) throw new Error(await nonFiniteOutputs(model, outputs, badOutput));
  const probabilities = endsInSoftmax(model) ? Float32Array.from(outputs) : softmax(outputs);
  return { outputs, probabilities, ranked: rankClasses(probabilities, classNames) };
}

export interface EnsembleMemberPrediction {
  dir: string;
  /** Its normalised weight in the mean. */
  weight: number;
  prediction: ImagePrediction;
}

/**
 * Classifies one image with every model of the ensemble, and ranks the classes by the weighted
 * mean of their probabilities (model/ensemble.ts); each model's own prediction comes too.
 */
export async function predictImageEnsemble(
  ensemble: Ensemble,
  pixels: Float32Array,
  classNames: readonly string[] = FASHION_MNIST_CLASS_NAMES,
): Promise<ImagePrediction & { members: EnsembleMemberPrediction[] }> {
  const members: EnsembleMemberPrediction[] = [];
  for (const m of ensemble.members) members.push({ dir: m.dir, weight: m.weight, prediction: await predictImage(m.model, pixels, classNames) });
  const probabilities = ensemble.combine(members.map((m) => m.prediction.probabilities));
  return { outputs: probabilities, probabilities, ranked: rankClasses(probabilities, classNames), members };
}

export interface PredictResult extends ImagePrediction {
  /** For --index: the test image's label. */
  trueClass?: number;
  /** For --ensemble: each model's prediction and weight. */
  members?: EnsembleMemberPrediction[];
  lines: string[];
}

/** Makes the chosen backend current (WebGPU through the webgpu package); returns its description. */
export async function setUpBackend(choice: PredictOptions['backend']): Promise<string> {
  const { init } = await import('../engine/init.js');
  let gpu: GPU | null = null;
  if (choice !== 'cpu') {
    try {
      const { nodeGPU } = await import('../node/webgpu.js');
      gpu = nodeGPU();
    } catch (err) {
      if (choice === 'webgpu') throw new Error(`--backend webgpu: WebGPU is not available in this Node: ${(err as Error).message}`);
    }
  }
  const backend = await init({ backend: choice, gpu, log: () => {} });
  return backend.describe();
}

/** The CLI: parses argv, loads the model, classifies the image, prints and returns the result. */
export async function main(argv: string[], print: (line: string) => void = console.log): Promise<PredictResult | null> {
  const o = parsePredictArgs(argv);
  if (o.help) {
    print(HELP.trimEnd());
    return null;
  }
  const backendName = await setUpBackend(o.backend);
  const ensemble = o.ensemble ? await Ensemble.load(o.ensemble, o.weights, '--weights') : null;
  const model = ensemble ? null : await loadLayersModel(resolve(o.model));
  try {
    let pixels: Float32Array;
    let source: string;
    let trueClass: number | undefined;
    const names = FASHION_MNIST_CLASS_NAMES;
    if (o.index !== undefined) {
      const data = loadFashionMnist({ dataDir: o.data, limit: { train: 0, test: o.index + 1 } });
      if (o.index >= data.test.count) throw new Error(`--index ${o.index} is out of range: the test set has ${data.test.count} images (0..${data.test.count - 1})`);
      const px = FASHION_MNIST_IMAGE_SIZE * FASHION_MNIST_IMAGE_SIZE;
      pixels = data.test.images.slice(o.index * px, (o.index + 1) * px);
      trueClass = data.test.labels[o.index];
      source = `Fashion-MNIST test image #${o.index}`;
    } else {
      let bytes: Buffer;
      try {
        bytes = readFileSync(o.image!);
      } catch (err) {
        throw new Error(`cannot read --image ${o.image}: ${(err as Error).message}`);
      }
      try {
        pixels = pngToInput(bytes, { invert: o.invert });
      } catch (err) {
        throw new Error(`--image ${o.image}: ${(err as Error).message}`);
      }
      const { width, height } = pngSize(bytes) ?? PNG.sync.read(bytes);
      source = `${o.image} (${width}x${height}${width === 28 && height === 28 ? '' : ', resized to 28x28'}${o.invert ? ', inverted' : ''})`;
    }
    const ensembled = ensemble ? await predictImageEnsemble(ensemble, pixels, names) : null;
    const p: ImagePrediction = ensembled ?? await predictImage(model!, pixels, names);
    const top = p.ranked.slice(0, Math.min(o.top, p.ranked.length));
    const pad = Math.max(...top.map((c) => c.className.length));
    const members = ensembled?.members;
    const lines = [
      ...(members
        ? [
          `Ensemble of ${members.length} models (backend ${backendName}), the weighted mean of their probabilities:`,
          ...members.map((m) => `  ${resolve(m.dir)}  weight ${m.weight.toFixed(3)}  says ${m.prediction.ranked[0].className} ${(100 * m.prediction.ranked[0].probability).toFixed(2)}%`),
        ]
        : [`Model: ${resolve(o.model)} (backend ${backendName})`]),
      `Image: ${source}`,
      ...top.map((c, i) => `  ${i + 1}. ${c.className.padEnd(pad)}  ${(100 * c.probability).toFixed(2).padStart(6)}%`),
    ];
    if (trueClass !== undefined) {
      const right = p.ranked[0].classIndex === trueClass;
      lines.push(`True class: ${names[trueClass] ?? `class ${trueClass}`} (${right ? 'predicted correctly' : `predicted ${p.ranked[0].className}: wrong`})`);
    }
    lines.forEach((l) => print(l));
    return { ...p, trueClass, members, lines };
  } finally {
    model?.dispose();
    ensemble?.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`predict: ${e.message}`);
    process.exit(1);
  });
}
