/**
 * What a training run puts in its checkpoint and takes back on --resume: capture
 * (recipe, model, optimizer, EarlyStopping, data digests -> Checkpoint), the checks that a
 * resumed run is the same run (another recipe is refused on its own; every other mismatch is
 * listed at once), and restore. Any model of the recipes: a Sequential or a functional Model.
 * The file format itself is checkpoint.ts.
 */
import { createHash } from 'node:crypto';
import type { EarlyStopping } from '../engine/nn/callbacks.js';
import { Model } from '../engine/nn/functional/model.js';
import type { Layer } from '../engine/nn/layers.js';
import type { Augmentation } from '../engine/ops/augment.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { CHECKPOINT_VERSION, checkpointArray, type Checkpoint, type CheckpointHeader, type DataDigest } from './checkpoint.js';
import type { RecipeModel } from './recipes/recipe.js';

/** A data split's identity: its count and the SHA-256 of its samples (float32 bytes) then labels (int32 bytes). */
export function digestData(samples: Float32Array, labels: Int32Array, count: number): DataDigest {
  const hash = createHash('sha256');
  hash.update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  return { count, sha256: hash.digest('hex') };
}

const configOf = (config: Record<string, unknown>) => JSON.parse(JSON.stringify(config)) as Record<string, unknown>;

export function modelRecord(model: RecipeModel): CheckpointHeader['model'] {
  const functional = model instanceof Model;
  // A functional model's layers in topological order, each with what it reads (its graph).
  const inbound = functional ? model.layerTable().map((r) => r.connectedTo) : [];
  return {
    kind: functional ? 'Functional' : 'Sequential',
    inputShape: model.inputShape,
    layers: (model.layers as readonly Layer[]).map((l, i) => (functional
      ? { className: l.className, name: l.name, config: configOf(l.config()), inbound: inbound[i] }
      : { className: l.className, config: configOf(l.config()) })),
    // Every weight in layer order (non-trainable ones too: BN's moving statistics, frozen layers').
    parameters: model.weightList().map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable })),
  };
}

/** The optimizer's settings as the checkpoint records them (JSON, so they compare as the file's do). */
export function optimizerConfig(optimizer: Optimizer): CheckpointHeader['optimizer']['config'] {
  return JSON.parse(JSON.stringify(optimizer.getConfig())) as CheckpointHeader['optimizer']['config'];
}

function earlyStoppingConfig(early: EarlyStopping): { monitor: string; patience: number; minDelta: number; restoreBestWeights: boolean } {
  return { monitor: early.monitor, patience: early.patience, minDelta: early.minDelta, restoreBestWeights: early.restoreBestWeights };
}

/** The recipe settings a checkpoint records (model/recipes/): a resumed run must train alike. */
export interface RecipeIdentity {
  name: string;
  augment: Augmentation | null;
  labelSmoothing: number;
}

/** What a run that names no recipe is: the tutorial's (callers from before the recipes). */
export const TUTORIAL_IDENTITY: RecipeIdentity = { name: 'tutorial', augment: null, labelSmoothing: 0 };

function recipeRecord(r: RecipeIdentity = TUTORIAL_IDENTITY): Pick<CheckpointHeader['run'], 'recipe' | 'augment' | 'labelSmoothing'> {
  return { recipe: r.name, augment: r.augment ? (configOf({ ...r.augment }) as Record<string, number | boolean>) : null, labelSmoothing: r.labelSmoothing };
}

export interface RunState {
  /** Epochs completed. */
  epoch: number;
  stopped: boolean;
  seed: number;
  batchSize: number;
  /** Default: the tutorial's (TUTORIAL_IDENTITY). */
  recipe?: RecipeIdentity;
  model: RecipeModel;
  optimizer: Optimizer;
  early: EarlyStopping | null;
  data: CheckpointHeader['data'];
  history: CheckpointHeader['history'];
  secondsPerEpoch: number[];
}

/** Reads the model's weights and the optimizer's slots back to the host and assembles the checkpoint. */
export async function captureCheckpoint(s: RunState): Promise<Checkpoint> {
  const weights = await s.model.getWeights();
  const opt = await s.optimizer.state(s.model.store);
  const params = s.model.weightList();
  const best = s.early?.bestWeights ?? null;
  const named: [string, Float32Array][] = [
    ...weights.map((w, i): [string, Float32Array] => [`weights/${params[i].name}`, w]),
    ...s.optimizer.slotNames().map((slot): [string, Float32Array] => [`optimizer/${slot}`, opt.slots[slot]]),
    ...(best ?? []).map((w, i): [string, Float32Array] => [`best/${params[i].name}`, w]),
  ];
  const e = s.early;
  const header: CheckpointHeader = {
    version: CHECKPOINT_VERSION,
    epoch: s.epoch,
    stopped: s.stopped,
    run: { seed: s.seed, batchSize: s.batchSize, ...recipeRecord(s.recipe) },
    model: modelRecord(s.model),
    optimizer: {
      name: s.optimizer.className, config: optimizerConfig(s.optimizer), iterations: opt.iterations,
      learningRate: opt.learningRate, slots: [...s.optimizer.slotNames()],
    },
    data: s.data,
    earlyStopping: e
      ? { ...earlyStoppingConfig(e), wait: e.wait, best: Number.isFinite(e.best) ? e.best : null, bestEpoch: e.bestEpoch, hasBestWeights: best !== null }
      : null,
    history: s.history,
    secondsPerEpoch: s.secondsPerEpoch,
    arrays: named.map(([name, a]) => ({ name, length: a.length })),
  };
  return { header, arrays: named.map(([, a]) => a) };
}

/** What this run is, to compare with a checkpoint before resuming from it. */
export interface RunIdentity {
  seed: number;
  batchSize: number;
  /** Default: the tutorial's (TUTORIAL_IDENTITY). */
  recipe?: RecipeIdentity;
  model: RecipeModel;
  optimizer: Optimizer;
  early: EarlyStopping | null;
  data: CheckpointHeader['data'];
}

/** Throws, listing every difference, unless the checkpoint was made by this same run. */
export function checkResumable(path: string, header: CheckpointHeader, run: RunIdentity): void {
  // Another recipe differs in everything below; say that alone, and how to continue it.
  const recipe = run.recipe ?? TUTORIAL_IDENTITY;
  if (header.run.recipe !== recipe.name) {
    throw new Error(
      `--resume: checkpoint ${path} was made by recipe '${header.run.recipe}', but this run is recipe '${recipe.name}'; ` +
        `resume it with --recipe ${header.run.recipe}, or train '${recipe.name}' into another --out folder`,
    );
  }
  const diffs: string[] = [];
  const same = (what: string, theirs: unknown, ours: unknown, show = (v: unknown) => JSON.stringify(v)): void => {
    if (JSON.stringify(theirs) !== JSON.stringify(ours)) diffs.push(`${what}: ${show(theirs)} in the checkpoint, ${show(ours)} in this run`);
  };
  same('seed', header.run.seed, run.seed);
  same('batch size', header.run.batchSize, run.batchSize);
  const ours = recipeRecord(recipe);
  same('augmentation', header.run.augment, ours.augment);
  same('label smoothing', header.run.labelSmoothing, ours.labelSmoothing);
  const model = modelRecord(run.model);
  same('model kind', header.model.kind, model.kind);
  same('input shape', header.model.inputShape, model.inputShape);
  same('layers', header.model.layers.map((l) => l.className), model.layers.map((l) => l.className), (v) => (v as string[]).join(' > '));
  header.model.layers.forEach((l, i) => {
    if (i < model.layers.length && l.className === model.layers[i].className) {
      same(`layer ${i} (${l.className}) config`, l.config, model.layers[i].config);
      same(`layer ${i} (${l.className}) inputs`, l.inbound, model.layers[i].inbound);
    }
  });
  const shapes = (ps: CheckpointHeader['model']['parameters']) => ps.map((p) => ({ name: p.name, shape: p.shape }));
  same('parameter shapes', shapes(header.model.parameters), shapes(model.parameters), (v) => (v as { name: string; shape: number[] }[]).map((p) => `${p.name} [${p.shape}]`).join(', '));
  // Which weights are frozen (older checkpoints do not say).
  const fixed = (ps: CheckpointHeader['model']['parameters']) => ps.filter((p) => p.trainable === false).map((p) => p.name);
  if (header.model.parameters.some((p) => p.trainable !== undefined)) same('non-trainable weights', fixed(header.model.parameters), fixed(model.parameters), (v) => (v as string[]).join(', ') || 'none');
  same('optimizer', header.optimizer.name, run.optimizer.className);
  same('optimizer config', header.optimizer.config, optimizerConfig(run.optimizer));
  same('training data', header.data.train, run.data.train);
  same('validation data', header.data.validation, run.data.validation);
  // Patience may grow: a larger patience never stops a run sooner, so the epochs so far are those
  // of a run started with it (patienceRaised). A smaller one might have stopped it already.
  const withoutPatience = (c: { patience: number } | null | undefined) => c && { ...c, patience: undefined };
  same('early stopping', withoutPatience(header.earlyStopping && earlyStoppingConfigOf(header.earlyStopping)), withoutPatience(run.early && earlyStoppingConfig(run.early)));
  if (header.earlyStopping && run.early && run.early.patience < header.earlyStopping.patience) {
    diffs.push(`early stopping patience: ${header.earlyStopping.patience} in the checkpoint, ${run.early.patience} in this run (it may grow on a resume, not shrink)`);
  }
  if (diffs.length) {
    throw new Error(`--resume: checkpoint ${path} was made by a different run, so resuming would not continue it:\n  ${diffs.join('\n  ')}`);
  }
}

/**
 * When this run's patience is larger than the checkpoint's (checkResumable allows that): the old
 * and new patience, and whether the checkpoint's stop was EarlyStopping's and the new patience
 * lifts it (the run then trains on from where it stopped).
 */
export function patienceRaised(header: CheckpointHeader, early: EarlyStopping | null): { from: number; to: number; resumesStoppedRun: boolean } | null {
  const e = header.earlyStopping;
  if (!e || !early || early.patience <= e.patience) return null;
  // EarlyStopping stops when wait reaches patience; a stop with wait below it came from elsewhere.
  const stoppedByPatience = header.stopped && e.wait >= e.patience;
  return { from: e.patience, to: early.patience, resumesStoppedRun: stoppedByPatience && e.wait < early.patience };
}

function earlyStoppingConfigOf(e: NonNullable<CheckpointHeader['earlyStopping']>) {
  return { monitor: e.monitor, patience: e.patience, minDelta: e.minDelta, restoreBestWeights: e.restoreBestWeights };
}

/** Puts the checkpoint's weights, optimizer state and EarlyStopping state into this run (checkResumable first). */
export function restoreCheckpoint(path: string, ckpt: Checkpoint, model: RecipeModel, optimizer: Optimizer, early: EarlyStopping | null): void {
  const h = ckpt.header;
  const params = model.weightList();
  model.setWeights(params.map((p) => checkpointArray(path, ckpt, `weights/${p.name}`)));
  optimizer.setState(model.store, {
    iterations: h.optimizer.iterations,
    learningRate: h.optimizer.learningRate,
    slots: Object.fromEntries(h.optimizer.slots.map((slot) => [slot, checkpointArray(path, ckpt, `optimizer/${slot}`)])),
  });
  if (early && h.earlyStopping) {
    const best = h.earlyStopping.hasBestWeights ? params.map((p) => Array.from(checkpointArray(path, ckpt, `best/${p.name}`))) : null;
    early.setState({ wait: h.earlyStopping.wait, best: h.earlyStopping.best ?? Infinity, bestEpoch: h.earlyStopping.bestEpoch, bestWeights: best });
  }
}
