/**
 * Transfer learning and class subsets for `npm run train` (trainTutorial's `transfer` option):
 * - `classes`: train, validate and test on some of the ten classes only, relabelled 0..k-1 in the
 *   order given (classes 5-9 train a 5-way head as 0-4);
 * - `initFrom`: start from a saved model instead of a fresh CNN; `newHead` replaces its last
 *   Dense layer (the head) with a new one, randomly initialised; `freeze` / `freezeUntil` freeze
 *   layers by name, so their weights live in the store no optimizer sees (model-weights.ts) and
 *   stay bit for bit as loaded.
 *
 * Validation: a run with any of these validates (EarlyStopping, restoreBestWeights) on the
 * held-out tail of its training images, never on the test set it reports (the tutorial's own
 * run keeps the test set, to stay faithful to it): the last 1/12 of them (5,000 of 60,000), cut
 * after the class filter, as the holdout recipes cut theirs.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Dense } from '../engine/nn/layers/dense.js';
import type { Layer } from '../engine/nn/layers/base.js';
import { InputLayer } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import { Sequential } from '../engine/nn/sequential.js';
import { FASHION_MNIST_CLASS_NAMES, type FashionMnist, type FashionMnistSplit } from './data/fashion-mnist.js';
import { classSubset } from './data/splits.js';
import { MODEL_JSON } from './tfjs-format.js';
import { type LayersModel, loadLayersModel } from './saved-model.js';

export interface TransferOptions {
  /** Train, validate and test on these classes only (distinct ids in 0..9), relabelled 0..k-1 in this order. */
  classes?: number[];
  /** A saved model to start from: its folder (model.json + weights.bin), a run folder holding model/, or a model.json. */
  initFrom?: string;
  /** Layers to freeze, by name (the names model.summary() prints). */
  freeze?: string[];
  /** Freeze every layer up to and including this one. */
  freezeUntil?: string;
  /** Replace the model's last layer (a Dense) with a new Dense of this many units, randomly initialised. */
  newHead?: number;
}

const FASHION_MNIST_INPUT = [28, 28, 1];

// ---------------------------------------------------------------------------------------------
// The CLI's flags (train-cli.ts spreads these into its parseArgs options and help)
// ---------------------------------------------------------------------------------------------

export const TRANSFER_HELP = `  --classes LIST   train, validate and test on these classes only, e.g. 0-4 or 5,7,9
                   (relabelled 0..k-1 in the order given; the model gets k outputs)
  --init-from DIR  start from a saved model (its folder, or a run folder holding model/)
                   instead of a fresh CNN; its input must be [28, 28, 1]
  --freeze NAMES   freeze these layers of the --init-from model, e.g. conv2d,conv2d_1,conv2d_2
                   (their weights stay exactly as loaded); or
  --freeze-until NAME
                   freeze every layer up to and including NAME
  --new-head N     replace the --init-from model's last (Dense) layer with a new Dense of N
                   units, randomly initialised: N must be the number of --classes (10 without)
                   With any of these, validation (early stopping) uses the last 1/12 of the
                   training images (of the classes trained), not the test set; see
                   npm run transfer-demo
`;

export const TRANSFER_ARG_OPTIONS = {
  classes: { type: 'string' },
  'init-from': { type: 'string' },
  freeze: { type: 'string' },
  'freeze-until': { type: 'string' },
  'new-head': { type: 'string' },
} as const;

/** Parses '0-4', '5,7,9' or '0-2,7' into class ids (distinct, each in 0..9), in the order written. */
export function parseClassList(text: string, flag = '--classes'): number[] {
  const out: number[] = [];
  const bad = (why: string) => new Error(`${flag}: ${why} in '${text}' (expected class ids 0..9 as a list or ranges, e.g. 0-4 or 5,7,9)`);
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!m) throw bad(`'${item}' is not a class id or a range`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > 9 || to > 9) throw bad(`'${item}' is outside 0..9`);
    if (to < from) throw bad(`the range '${item}' runs backwards`);
    for (let c = from; c <= to; c++) {
      if (out.includes(c)) throw bad(`class ${c} is given twice`);
      out.push(c);
    }
  }
  if (out.length < 2) throw bad('a classifier needs at least 2 classes');
  return out;
}

/** The transfer options of parsed CLI values (undefined when no transfer flag was given). */
export function transferOptionsFromArgs(a: Partial<Record<keyof typeof TRANSFER_ARG_OPTIONS, string>>): TransferOptions | undefined {
  if (Object.keys(TRANSFER_ARG_OPTIONS).every((k) => a[k as keyof typeof TRANSFER_ARG_OPTIONS] === undefined)) return undefined;
  const options: TransferOptions = {};
  if (a.classes !== undefined) options.classes = parseClassList(a.classes);
  if (a['init-from'] !== undefined) {
    if (a['init-from'].trim() === '') throw new Error('--init-from: expected a folder, got an empty string');
    options.initFrom = a['init-from'];
  }
  if (a.freeze !== undefined) {
    const names = a.freeze.split(',').map((n) => n.trim());
    if (names.some((n) => n === '')) throw new Error(`--freeze: an empty layer name in '${a.freeze}' (expected e.g. conv2d,conv2d_1)`);
    options.freeze = names;
  }
  if (a['freeze-until'] !== undefined) options.freezeUntil = a['freeze-until'].trim();
  if (a['new-head'] !== undefined) {
    const n = a['new-head'].trim() === '' ? NaN : Number(a['new-head']);
    if (!Number.isInteger(n) || n < 2) throw new Error(`--new-head must be an integer of at least 2 (the classes of the new head), got '${a['new-head']}'`);
    options.newHead = n;
  }
  checkTransferOptions(options);
  return options;
}

/** Combinations that cannot work, said before anything loads (the CLI and trainTutorial both check). */
export function checkTransferOptions(o: TransferOptions): void {
  if (o.initFrom === undefined) {
    for (const [flag, given] of [['--freeze', o.freeze], ['--freeze-until', o.freezeUntil], ['--new-head', o.newHead]] as const) {
      if (given !== undefined) throw new Error(`${flag} applies to the model of --init-from DIR, which is not given`);
    }
  }
  if (o.freeze !== undefined && o.freezeUntil !== undefined) throw new Error('give --freeze NAMES or --freeze-until NAME, not both');
  if (o.classes !== undefined) parseClassList(o.classes.join(','), 'classes');
  const classes = o.classes?.length ?? FASHION_MNIST_CLASS_NAMES.length;
  if (o.newHead !== undefined && o.newHead !== classes) {
    throw new Error(`--new-head ${o.newHead} does not match the ${classes} classes trained (${o.classes ? `--classes ${o.classes.join(',')}` : 'all ten'}); the head needs one unit per class`);
  }
}

// ---------------------------------------------------------------------------------------------
// Data: the class subset (trainRecipe, model/train.ts, then validates on its held-out tail)
// ---------------------------------------------------------------------------------------------

/** Fashion-MNIST restricted to `classes` (every split, relabelled 0..k-1 in that order, with their names). */
export function subsetClasses(fashion: FashionMnist, classes: readonly number[]): FashionMnist {
  const pick = (split: FashionMnistSplit, what: string) => {
    const s = classSubset(split, classes, true);
    if (s.count === 0) throw new Error(`transfer: the ${what} (${split.count} images) holds no image of classes ${classes.join(', ')}; load more images`);
    return s;
  };
  return { ...fashion, train: pick(fashion.train, 'training split'), test: pick(fashion.test, 'test split'), classNames: classes.map((c) => fashion.classNames[c]) };
}

// ---------------------------------------------------------------------------------------------
// The model: load, replace the head, freeze
// ---------------------------------------------------------------------------------------------

/** The model.json that --init-from DIR means: DIR/model.json, DIR/model/model.json (a run folder) or DIR itself (a .json). */
export function initModelJson(dir: string): string {
  const full = resolve(dir);
  const candidates = full.endsWith('.json') ? [full] : [join(full, MODEL_JSON), join(full, 'model', MODEL_JSON)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new Error(`--init-from ${dir}: no saved model there (looked for ${candidates.join(' and ')}); give the folder npm run train saved the model in, e.g. runs/latest/model`);
  }
  return found;
}

/** The layers to freeze, by the option: `freeze` names them, `freezeUntil` ends a prefix. */
export function layersToFreeze(layers: readonly Layer[], options: Pick<TransferOptions, 'freeze' | 'freezeUntil'>, replacedHead?: string): Set<Layer> {
  const names = layers.map((l) => l.name);
  const unknown = (flag: string, name: string) => {
    const head = name === replacedHead ? ` (${replacedHead} is the head, which --new-head replaces: the new head always trains)` : '';
    return new Error(`${flag}: the model has no layer '${name}'${head}; its layers: ${names.join(', ')}`);
  };
  if (options.freezeUntil !== undefined) {
    const at = names.indexOf(options.freezeUntil);
    if (at < 0) throw unknown('--freeze-until', options.freezeUntil);
    return new Set(layers.slice(0, at + 1));
  }
  const frozen = new Set<Layer>();
  for (const name of options.freeze ?? []) {
    const at = names.indexOf(name);
    if (at < 0) throw unknown('--freeze', name);
    frozen.add(layers[at]);
  }
  return frozen;
}

/**
 * The --init-from model, ready to fine-tune on `classes` classes: loaded on the current backend,
 * its head replaced when `newHead` is given, the named layers frozen and every other layer
 * trainable (a flag saved in the file is overridden: what is frozen is what this run says).
 *
 * The new head is a Dense of `newHead` units without activation (logits, as the tutorial's loss
 * takes), initialised from the model's seeded RNG after the kept layers' draws: so with the same
 * seed it starts from the same values as the head of a fresh tutorialCnn(seed, classes).
 */
export async function transferModel(options: TransferOptions, classes: number, seed: number, log: (line: string) => void = () => {}): Promise<LayersModel> {
  checkTransferOptions(options);
  if (options.initFrom === undefined) throw new Error('transferModel: options.initFrom is not given');
  const jsonPath = initModelJson(options.initFrom);
  let loaded: LayersModel;
  try {
    loaded = await loadLayersModel(jsonPath);
  } catch (err) {
    throw new Error(`--init-from ${options.initFrom}: ${(err as Error).message}`);
  }
  let model: LayersModel | null = null;
  try {
    const input = loaded.inputShape;
    if (input.length !== FASHION_MNIST_INPUT.length || input.some((d, i) => d !== FASHION_MNIST_INPUT[i])) {
      throw new Error(`--init-from ${options.initFrom}: the model takes inputs of shape [${input.join(', ')}], but Fashion-MNIST images are [${FASHION_MNIST_INPUT.join(', ')}]`);
    }
    const outputs = loaded.outputShape;
    if (options.newHead === undefined && (outputs.length !== 1 || outputs[0] !== classes)) {
      throw new Error(`--init-from ${options.initFrom}: the model outputs [${outputs.join(', ')}] per image but this run trains ${classes} classes; replace its head with --new-head ${classes}`);
    }
    if (options.newHead === undefined) model = loaded;
    else model = loaded instanceof Model ? await withNewFunctionalHead(loaded, options.newHead, seed) : await withNewHead(loaded, options.newHead, seed);
    // A functional model's InputLayer has no weights: --freeze names what model.summary() lists.
    const layers = model.layers.filter((l) => !(l instanceof InputLayer));
    const head = options.newHead !== undefined ? layers[layers.length - 1] : undefined;
    const frozen = layersToFreeze(head ? layers.slice(0, -1) : layers, options, head?.name);
    for (const l of layers) l.trainable = !frozen.has(l);
    if (model.layerTable().every((r) => r.trainableParams === 0)) {
      throw new Error(`--init-from ${options.initFrom}: every layer with weights is frozen (${[...frozen].map((l) => l.name).join(', ')}), so nothing would train; freeze fewer layers`);
    }
    const what = head ? `replaced its head with ${head.name} (Dense, ${classes} units, new weights)` : 'kept its head';
    log(`transfer: loaded ${jsonPath}; ${what}; frozen: ${frozen.size ? [...frozen].map((l) => l.name).join(', ') : 'none'}`);
    // The kept layers live on in the new model, which holds copies of their weights.
    if (model !== loaded) loaded.dispose();
    return model;
  } catch (err) {
    if (model && model !== loaded) model.dispose();
    loaded.dispose();
    throw err;
  }
}

/** A new Sequential of `loaded`'s layers but the last (a Dense), with their weights, and a new Dense head. */
async function withNewHead(loaded: Sequential, units: number, seed: number): Promise<Sequential> {
  const old = loaded.layers[loaded.layers.length - 1];
  if (!(old instanceof Dense)) {
    throw new Error(`--new-head: the model's last layer, ${old.name}, is a ${old.className}; only a Dense head can be replaced (its layers: ${loaded.layers.map((l) => `${l.name} (${l.className})`).join(', ')})`);
  }
  if (loaded.layers.length < 2) throw new Error(`--new-head: the model's only layer is its head ${old.name}; there is nothing to transfer`);
  const kept = loaded.layers.slice(0, -1);
  const keptNames = kept.map((l) => l.name);
  const values = await loaded.getWeights();
  // The head is the last layer, so its weights (kernel, bias) end the list.
  const keptCount = values.length - loaded.weightList().filter((w) => w.name.startsWith(`${old.name}/`)).length;
  const head = new Dense({ units });
  const model = new Sequential([...kept, head], { seed, name: loaded.name });
  // Sequential.add named the layers afresh; the file's names are what --freeze refers to.
  kept.forEach((l, i) => { l.name = keptNames[i]; });
  let name = head.name;
  while (keptNames.includes(name)) name = `${name}_new`;
  head.name = name;
  const fresh = await model.getWeights();
  model.setWeights([...values.slice(0, keptCount), ...fresh.slice(keptCount)]);
  return model;
}

/**
 * A functional model of `loaded`'s graph with its output layer (a Dense, the model's only
 * output) replaced by a new Dense of `units` and the same name, applied to what the old head
 * read. Every other layer is the loaded object itself, so its name, config and node stay; its
 * weights are copied by name (`layer/weight`) into the new model's stores, built afresh.
 */
async function withNewFunctionalHead(loaded: Model, units: number, seed: number): Promise<Model> {
  if (loaded.outputs.length !== 1 || loaded.inputs.length !== 1) {
    throw new Error(`--new-head: the model has ${loaded.inputs.length} inputs and ${loaded.outputs.length} outputs; only a model of one input and one output can have its head replaced`);
  }
  const headNode = loaded.outputs[0].node;
  const old = headNode.layer;
  const listing = loaded.layers.filter((l) => !(l instanceof InputLayer)).map((l) => `${l.name} (${l.className})`).join(', ');
  if (!(old instanceof Dense)) {
    throw new Error(`--new-head: the model's output layer, ${old.name}, is a ${old.className}; only a Dense head can be replaced (its layers: ${listing})`);
  }
  const below = headNode.inputs[0];
  if (below.node.layer instanceof InputLayer) throw new Error(`--new-head: the model's only layer is its head ${old.name}; there is nothing to transfer`);
  const values = await loaded.getWeights();
  // The kept layers' weights by name (the old head's left out: the new head, of its name, starts fresh).
  const byName = new Map<string, Float32Array>();
  loaded.weightList().forEach((w, i) => { if (!w.name.startsWith(`${old.name}/`)) byName.set(w.name, values[i]); });
  // The new head takes the old one's name, as in a Sequential: the file's other names stay what --freeze means.
  const head = new Dense({ units });
  head.name = old.name;
  const model = new Model({ inputs: loaded.inputs[0], outputs: head.apply(below), name: loaded.name, seed });
  const fresh = await model.getWeights();
  model.setWeights(model.weightList().map((w, i) => byName.get(w.name) ?? fresh[i]));
  return model;
}
