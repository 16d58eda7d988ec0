/**
 * Training checkpoints: everything a resumed run needs to continue exactly as an
 * uninterrupted one would, in ONE file written atomically (write-file-atomic.ts),
 * so a crash leaves either the previous checkpoint or the new one, never half.
 * A file proves its own integrity: a SHA-256 over every byte before it closes
 * the file, and every header field is validated, on write as on read. A file
 * that fails any check is refused with an error naming the file.
 *
 * Framing (the same for every version from 2 on):
 *   bytes 0..7    magic "WGTECKPT"
 *   bytes 8..11   u32 LE: H, the byte length of the JSON header (space-padded so the arrays start 4-byte aligned)
 *   12..12+H      the JSON header (UTF-8); its `version` says how to read it
 *   then          the float32 arrays the header lists in `arrays`, in order, little-endian
 *   last 32 bytes SHA-256 of every byte before them
 * Version 1 (magic "WGTECKP1", no checksum, no `version`) cannot prove its integrity
 * and is refused with a clear error rather than migrated.
 *
 * The header (CheckpointHeader) has one section per owner of state:
 * `run` (seed, batch size, the recipe with its augmentation and label smoothing),
 * `model` (Sequential or Functional, the architecture and the parameter shapes),
 * `optimizer` (class name, config, step count, current learning rate, the names of its slot
 * arrays), `data` (the count and SHA-256 of the training and validation data),
 * `earlyStopping`, and the `history`. Arrays are named `<section>/<name>`:
 * `weights/<parameter>`, `optimizer/<slot>` (a flat buffer in the ParameterStore's layout),
 * `best/<parameter>`.
 *
 * Versions:
 * - 2: Adam only; `optimizer.config` is { learningRate, beta1, beta2, epsilon }.
 * - 3: any optimizer of engine/optim (`optimizer.name` is its class name, `config` its
 *   getConfig(): weightDecay and globalClipNorm included, learningRate a number or a
 *   schedule's { className, config }), and `optimizer.learningRate`, the current rate (a
 *   callback may have lowered it; null under a schedule, which follows from `iterations`).
 *   MIGRATIONS[2] gives a version-2 Adam header weightDecay 0, globalClipNorm null and its
 *   configured learning rate as the current one.
 * - 4: the recipes (model/recipes/): `run.recipe` (its name), `run.augment` (fit's augment
 *   options, or null) and `run.labelSmoothing`; `model.kind` ('Sequential' or 'Functional'),
 *   and for a functional model each layer's `name` and `inbound` (per node, the tensors it reads,
 *   as the model summary's "Connected to": 'conv2d[0][0]'). MIGRATIONS[3] makes a version-3
 *   header the `tutorial` recipe's (the only one there was): no augmentation, no smoothing, a
 *   Sequential.
 *
 * How a later version adds state (e.g. replicas, or other optimizer slots):
 * 1. add a header section (say `replicas: { count, arrays: string[] }`) and name its
 *    arrays under it (`replica/1/weights/<parameter>`); optimizer slots need no new
 *    section: list them in `optimizer.slots` (an SGD with momentum writes ['momentum']);
 * 2. validate the section in `validateHeader` and cross-check its arrays there;
 * 3. bump CHECKPOINT_VERSION and add `MIGRATIONS[old]`, a function taking a valid
 *    header of version `old` to version `old + 1` (filling the new section with its
 *    default, e.g. `replicas: { count: 1, arrays: [] }`), so older files still load.
 *    The framing and checksum never change, so a migration sees verified bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkAugmentation } from '../engine/ops/augment.js';
import { optimizerFromConfig, OPTIMIZER_CLASSES } from '../engine/optim/registry.js';
import type { Optimizer, OptimizerConfig } from '../engine/optim/optimizer.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const CHECKPOINT_VERSION = 4;
const MAGIC = 'WGTECKPT';
const MAGIC_V1 = 'WGTECKP1';
const PREFIX_BYTES = 12;
const DIGEST_BYTES = 32;

/** Count and SHA-256 of a data split (its float32 samples, then its int32 labels). */
export interface DataDigest {
  count: number;
  sha256: string;
}

/** A layer as the architecture records it: Keras's class name and config (and, in a functional model, its name and inputs). */
export interface LayerRecord {
  className: string;
  config: Record<string, unknown>;
  /** Functional models only: the layer's name, which `inbound` entries refer to. */
  name?: string;
  /** Functional models only: per node of the layer, the tensors it reads ('conv2d[0][0]'). */
  inbound?: string[][];
}

/** The architecture kinds a checkpoint records. */
export const MODEL_KINDS = ['Sequential', 'Functional'] as const;

export interface CheckpointHeader {
  version: typeof CHECKPOINT_VERSION;
  /** Epochs completed (fit resumes with initialEpoch = this). */
  epoch: number;
  /** EarlyStopping ended training after `epoch`: a resume only re-evaluates (as after the last epoch). */
  stopped: boolean;
  run: {
    seed: number;
    batchSize: number;
    /** The recipe that trained it (model/recipes/): --resume refuses another. */
    recipe: string;
    /** fit's augment options (engine/ops/augment.ts), or null for none. */
    augment: Record<string, number | boolean> | null;
    /** compile's labelSmoothing (0: none). */
    labelSmoothing: number;
  };
  model: {
    kind: (typeof MODEL_KINDS)[number];
    inputShape: number[];
    layers: LayerRecord[];
    /**
     * Every weight in layer order. `trainable: false` marks what the optimizer's slots do not
     * cover (a frozen layer's weights, BN's moving statistics); absent (older files): trainable.
     */
    parameters: { name: string; shape: number[]; trainable?: boolean }[];
  };
  optimizer: {
    /** The optimizer's class name (engine/optim/registry.ts). */
    name: string;
    /** Its getConfig(): the settings it was made with. */
    config: OptimizerConfig;
    /** Steps taken (Adam's t; a schedule's step). */
    iterations: number;
    /** The current learning rate; null when a schedule drives it. */
    learningRate: number | null;
    /** Slot arrays, each stored as `optimizer/<slot>`. */
    slots: string[];
  };
  data: { train: DataDigest; validation: DataDigest | null };
  earlyStopping: {
    monitor: string;
    patience: number;
    minDelta: number;
    restoreBestWeights: boolean;
    wait: number;
    /** null: no best value yet (Infinity is not JSON). */
    best: number | null;
    bestEpoch: number;
    /** The best epoch's weights are stored as `best/<parameter>`. */
    hasBestWeights: boolean;
  } | null;
  history: { epoch: number[]; history: Record<string, number[]> };
  secondsPerEpoch: number[];
  /** The float32 arrays that follow the header, in order. */
  arrays: { name: string; length: number }[];
}

export interface Checkpoint {
  header: CheckpointHeader;
  arrays: Float32Array[];
}

/** Upgrades a header of version v to v + 1 (version 2 is the first with a checksum); the result is then validated. */
const MIGRATIONS: Record<number, (header: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 2 knew only Adam, without weight decay or clipping, at a fixed learning rate.
  2: (h) => {
    const opt = isObject(h.optimizer) ? h.optimizer : {};
    const config = isObject(opt.config) ? opt.config : {};
    return { ...h, optimizer: { ...opt, config: { ...config, weightDecay: 0, globalClipNorm: null }, learningRate: config.learningRate ?? null } };
  },
  // Version 3 knew only the tutorial: a Sequential, no augmentation, no label smoothing.
  3: (h) => ({
    ...h,
    run: { ...(isObject(h.run) ? h.run : {}), recipe: 'tutorial', augment: null, labelSmoothing: 0 },
    model: { kind: 'Sequential', ...(isObject(h.model) ? h.model : {}) },
  }),
};

export function checkpointPath(outDir: string): string {
  return join(outDir, 'checkpoint.bin');
}

/** The array of a checkpoint by name, or an error naming the file. */
export function checkpointArray(path: string, checkpoint: Checkpoint, name: string): Float32Array {
  const i = checkpoint.header.arrays.findIndex((a) => a.name === name);
  if (i < 0) throw new Error(`checkpoint ${path}: no array named '${name}'`);
  return checkpoint.arrays[i];
}

/**
 * Validates the checkpoint (the same checks as reading it: a checkpoint that could not be
 * read back is never written, so a NaN in the weights keeps the last good file), then writes
 * it atomically.
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const { header, arrays } = checkpoint;
  validateHeader(path, header);
  validateArrays(path, header, arrays);
  mkdirSync(dirname(path), { recursive: true });
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((PREFIX_BYTES + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(PREFIX_BYTES + json.length + pad, 0x20);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length + pad, 8);
  json.copy(prefix, PREFIX_BYTES);
  const chunks = [prefix, ...arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  await writeFileAtomic(path, [...chunks, hash.digest()]);
}

/** Reads and verifies a checkpoint; every error names the file. */
export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new Error(`checkpoint ${path}: no such file; train without --resume first`);
  const bytes = readFileSync(path);
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${path}: ${why}`);
  };
  const magic = bytes.toString('latin1', 0, Math.min(8, bytes.length));
  if (magic === MAGIC_V1) {
    fail(
      `format version 1 (written before checkpoints carried a checksum), which this program no longer reads ` +
        `(expected version ${CHECKPOINT_VERSION}); its integrity cannot be checked, so it is not migrated: train again without --resume`,
    );
  }
  if (bytes.length < PREFIX_BYTES + DIGEST_BYTES || magic !== MAGIC) {
    fail(`not a checkpoint (${bytes.length} bytes, starting ${JSON.stringify(magic)}; expected the magic "${MAGIC}")`);
  }
  const body = bytes.subarray(0, bytes.length - DIGEST_BYTES);
  const stored = bytes.subarray(bytes.length - DIGEST_BYTES);
  const actual = createHash('sha256').update(body).digest();
  if (!actual.equals(stored)) {
    fail(`checksum mismatch (SHA-256 ${actual.toString('hex').slice(0, 16)}... but the file records ${stored.toString('hex').slice(0, 16)}...): the file is truncated or corrupted`);
  }
  const headerLength = bytes.readUInt32LE(8);
  if (PREFIX_BYTES + headerLength > body.length || (PREFIX_BYTES + headerLength) % 4 !== 0) {
    fail(`header length ${headerLength} does not fit a ${bytes.length}-byte file with 4-byte aligned arrays`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength));
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  const header = migrate(path, parsed);
  validateHeader(path, header);
  const expected = PREFIX_BYTES + headerLength + header.arrays.reduce((n, a) => n + a.length * 4, 0);
  if (expected !== body.length) {
    fail(`the header lists arrays ending at byte ${expected}, but the data ends at byte ${body.length}`);
  }
  let offset = PREFIX_BYTES + headerLength;
  const arrays = header.arrays.map(({ length }) => {
    const copy = new Float32Array(length);
    new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + length * 4));
    offset += length * 4;
    return copy;
  });
  validateArrays(path, header, arrays);
  return { header, arrays };
}

/** Removes temporary files a killed writer left beside `path` (their process is gone). */
export function removeStaleTemporaries(path: string): string[] {
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(path)}.tmp-`;
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function migrate(path: string, parsed: unknown): CheckpointHeader {
  if (!isObject(parsed)) throw new Error(`checkpoint ${path}: the header is ${describe(parsed)}, expected a JSON object`);
  let header = parsed;
  const version = header.version;
  if (!Number.isInteger(version) || (version as number) < 2) {
    throw new Error(`checkpoint ${path}: header field version is ${describe(version)}, expected an integer from 2 to ${CHECKPOINT_VERSION}`);
  }
  if ((version as number) > CHECKPOINT_VERSION) {
    throw new Error(`checkpoint ${path}: format version ${version} was written by a newer program; this one reads versions 2 to ${CHECKPOINT_VERSION}`);
  }
  for (let v = version as number; v < CHECKPOINT_VERSION; v++) header = { ...MIGRATIONS[v](header), version: v + 1 };
  return header as unknown as CheckpointHeader;
}

// ------------------------------------------------------------------ validation

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Checks one header field at a time, naming the file, the field, its value and what was expected. */
class FieldChecker {
  constructor(private readonly path: string) {}

  fail(field: string, value: unknown, expected: string): never {
    throw new Error(`checkpoint ${this.path}: header field ${field} is ${describe(value)}, expected ${expected}`);
  }

  object(field: string, v: unknown): Record<string, unknown> {
    if (!isObject(v)) this.fail(field, v, 'an object');
    return v;
  }

  array(field: string, v: unknown, length?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, v, 'an array');
    if (length !== undefined && v.length !== length) this.fail(`${field}.length`, v.length, `${length}`);
    return v;
  }

  int(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, v, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
    }
    return v;
  }

  finite(field: string, v: unknown, min = -Infinity, maxExclusive = Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v >= maxExclusive) {
      const range = [min > -Infinity ? `>= ${min}` : '', maxExclusive < Infinity ? `< ${maxExclusive}` : ''].filter(Boolean).join(' and ');
      this.fail(field, v, `a finite number${range ? ` ${range}` : ''}`);
    }
    return v;
  }

  bool(field: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(field, v, 'true or false');
    return v;
  }

  string(field: string, v: unknown, pattern?: RegExp, what = 'a string'): string {
    if (typeof v !== 'string' || v.length === 0 || (pattern && !pattern.test(v))) this.fail(field, v, what);
    return v;
  }
}

/** Validates every field of a header (types, ranges, and their agreement with one another). */
export function validateHeader(path: string, header: unknown): asserts header is CheckpointHeader {
  const c: FieldChecker = new FieldChecker(path);
  const h = c.object('(header)', header);
  if (h.version !== CHECKPOINT_VERSION) c.fail('version', h.version, `${CHECKPOINT_VERSION}`);
  const epoch = c.int('epoch', h.epoch, 1);
  const stopped = c.bool('stopped', h.stopped);

  const run = c.object('run', h.run);
  c.int('run.seed', run.seed, -(2 ** 31), 2 ** 32 - 1);
  const batchSize = c.int('run.batchSize', run.batchSize, 1);
  c.string('run.recipe', run.recipe, /^[a-z][a-z0-9_-]*$/, 'a recipe name');
  if (run.augment !== null) {
    try {
      checkAugmentation('checkpoint', run.augment);
    } catch (e) {
      c.fail('run.augment', run.augment, `null or fit's augment options (${(e as Error).message})`);
    }
  }
  c.finite('run.labelSmoothing', run.labelSmoothing, 0, 1);

  const model = c.object('model', h.model);
  const kind = c.string('model.kind', model.kind, new RegExp(`^(${MODEL_KINDS.join('|')})$`), `one of ${MODEL_KINDS.join(', ')}`);
  c.array('model.inputShape', model.inputShape).forEach((d, i) => c.int(`model.inputShape[${i}]`, d, 1));
  const layers = c.array('model.layers', model.layers);
  if (layers.length === 0) c.fail('model.layers', layers, 'at least one layer');
  layers.forEach((l, i) => {
    const layer = c.object(`model.layers[${i}]`, l);
    c.string(`model.layers[${i}].className`, layer.className, /^[A-Za-z][A-Za-z0-9]*$/, 'a layer class name');
    c.object(`model.layers[${i}].config`, layer.config);
    if (kind === 'Functional') {
      c.string(`model.layers[${i}].name`, layer.name);
      c.array(`model.layers[${i}].inbound`, layer.inbound).forEach((node, j) => {
        c.array(`model.layers[${i}].inbound[${j}]`, node).forEach((t, k) => c.string(`model.layers[${i}].inbound[${j}][${k}]`, t));
      });
    } else if (layer.name !== undefined || layer.inbound !== undefined) {
      c.fail(`model.layers[${i}]`, layer, 'className and config only (a Sequential records no names or inputs)');
    }
  });
  const parameters = c.array('model.parameters', model.parameters).map((p, i) => {
    const param = c.object(`model.parameters[${i}]`, p);
    const name = c.string(`model.parameters[${i}].name`, param.name);
    const shape = c.array(`model.parameters[${i}].shape`, param.shape).map((d, j) => c.int(`model.parameters[${i}].shape[${j}]`, d, 1));
    const trainable = param.trainable === undefined ? true : c.bool(`model.parameters[${i}].trainable`, param.trainable);
    return { name, size: shape.reduce((a, b) => a * b, 1), trainable };
  });

  const opt = c.object('optimizer', h.optimizer);
  const className = c.string('optimizer.name', opt.name, new RegExp(`^(${OPTIMIZER_CLASSES.join('|')})$`), `one of ${OPTIMIZER_CLASSES.join(', ')}`);
  const cfg = c.object('optimizer.config', opt.config);
  if (typeof cfg.learningRate !== 'object' || cfg.learningRate === null) c.finite('optimizer.config.learningRate', cfg.learningRate, Number.MIN_VALUE);
  // The optimizer's own checks judge the rest of its config (the message names the option).
  let optimizer: Optimizer;
  try {
    optimizer = optimizerFromConfig(className, cfg);
  } catch (e) {
    c.fail('optimizer.config', cfg, `a valid ${className} config (${(e as Error).message})`);
  }
  const iterations = c.int('optimizer.iterations', opt.iterations, 0);
  if (optimizer.schedule) {
    if (opt.learningRate !== null) c.fail('optimizer.learningRate', opt.learningRate, 'null (a schedule drives the learning rate)');
  } else {
    c.finite('optimizer.learningRate', opt.learningRate, Number.MIN_VALUE);
  }
  const slots = c.array('optimizer.slots', opt.slots).map((s, i) => c.string(`optimizer.slots[${i}]`, s, /^[A-Za-z][A-Za-z0-9_]*$/, 'a slot name'));
  const wantSlots = optimizer.slotNames();
  if (JSON.stringify(slots) !== JSON.stringify(wantSlots)) c.fail('optimizer.slots', slots, `${JSON.stringify(wantSlots)} (the slots of this ${className} config)`);

  const data = c.object('data', h.data);
  const digest = (field: string, v: unknown): number => {
    const d = c.object(field, v);
    c.string(`${field}.sha256`, d.sha256, /^[0-9a-f]{64}$/, 'a SHA-256 in 64 hex digits');
    return c.int(`${field}.count`, d.count, 1);
  };
  const trainCount = digest('data.train', data.train);
  if (data.validation !== null) digest('data.validation', data.validation);
  // fit takes ceil(count / batchSize) optimizer steps per epoch.
  const stepsPerEpoch = Math.ceil(trainCount / batchSize);
  if (iterations !== epoch * stepsPerEpoch) {
    c.fail('optimizer.iterations', iterations, `${epoch * stepsPerEpoch} (${epoch} epochs of ${stepsPerEpoch} steps: ${trainCount} samples in batches of ${batchSize})`);
  }

  let hasBest = false;
  if (h.earlyStopping !== null) {
    const es = c.object('earlyStopping', h.earlyStopping);
    c.string('earlyStopping.monitor', es.monitor, /^(val_)?(loss|accuracy)$/, "'loss', 'accuracy', 'val_loss' or 'val_accuracy'");
    c.int('earlyStopping.patience', es.patience, 0);
    c.finite('earlyStopping.minDelta', es.minDelta, 0);
    const restore = c.bool('earlyStopping.restoreBestWeights', es.restoreBestWeights);
    c.int('earlyStopping.wait', es.wait, 0, epoch);
    if (es.best !== null) c.finite('earlyStopping.best', es.best);
    c.int('earlyStopping.bestEpoch', es.bestEpoch, -1, epoch - 1);
    hasBest = c.bool('earlyStopping.hasBestWeights', es.hasBestWeights);
    if (hasBest && !restore) c.fail('earlyStopping.hasBestWeights', hasBest, 'false when restoreBestWeights is false');
  }
  if (stopped && h.earlyStopping === null) c.fail('stopped', stopped, 'false when there is no earlyStopping state');

  const history = c.object('history', h.history);
  c.array('history.epoch', history.epoch, epoch).forEach((e, i) => {
    if (e !== i) c.fail(`history.epoch[${i}]`, e, `${i} (epochs 0..${epoch - 1} in order)`);
  });
  const metrics = c.object('history.history', history.history);
  if (!('loss' in metrics)) c.fail('history.history.loss', undefined, `${epoch} losses`);
  for (const [k, v] of Object.entries(metrics)) {
    if (!/^(val_)?(loss|accuracy)$/.test(k)) c.fail(`history.history`, k, "metrics named 'loss', 'accuracy', 'val_loss', 'val_accuracy'");
    c.array(`history.history.${k}`, v, epoch).forEach((x, i) => c.finite(`history.history.${k}[${i}]`, x));
  }
  c.array('secondsPerEpoch', h.secondsPerEpoch, epoch).forEach((s, i) => c.finite(`secondsPerEpoch[${i}]`, s, 0));

  // The arrays: names unique, and exactly those the sections above call for, with their lengths.
  const listed = c.array('arrays', h.arrays).map((a, i) => {
    const entry = c.object(`arrays[${i}]`, a);
    return { name: c.string(`arrays[${i}].name`, entry.name), length: c.int(`arrays[${i}].length`, entry.length, 0), i };
  });
  const byName = new Map(listed.map((a) => [a.name, a]));
  if (byName.size !== listed.length) c.fail('arrays', listed.map((a) => a.name), 'unique names');
  const want = new Map<string, number | null>();
  for (const p of parameters) want.set(`weights/${p.name}`, p.size);
  const flat = listed.find((a) => a.name.startsWith('optimizer/'))?.length ?? 0;
  // The slots cover the trainable weights only (a frozen layer's are in no optimizer's store).
  const minFlat = parameters.reduce((n, p) => n + (p.trainable ? p.size : 0), 0);
  for (const s of slots) want.set(`optimizer/${s}`, null);
  if (hasBest) for (const p of parameters) want.set(`best/${p.name}`, p.size);
  for (const [name, length] of want) {
    const a = byName.get(name);
    if (!a) c.fail('arrays', listed.map((x) => x.name), `an entry '${name}'`);
    if (length !== null && a.length !== length) c.fail(`arrays[${a.i}].length`, a.length, `${length} (the size of ${name.split('/').slice(1).join('/')})`);
    if (length === null && (a.length !== flat || a.length < minFlat)) {
      c.fail(`arrays[${a.i}].length`, a.length, `one flat length for every optimizer slot, at least the ${minFlat} trainable parameters`);
    }
  }
  for (const a of listed) if (!want.has(a.name)) c.fail(`arrays[${a.i}].name`, a.name, `one of the arrays the header's sections call for`);
}

/** Every array has its listed length and holds only finite numbers. */
function validateArrays(path: string, header: CheckpointHeader, arrays: readonly Float32Array[]): void {
  if (arrays.length !== header.arrays.length) {
    throw new Error(`checkpoint ${path}: the header lists ${header.arrays.length} arrays but ${arrays.length} were given`);
  }
  header.arrays.forEach(({ name, length }, i) => {
    const a = arrays[i];
    if (a.length !== length) throw new Error(`checkpoint ${path}: array ${name} has ${a.length} values, but the header lists ${length}`);
    for (let j = 0; j < a.length; j++) {
      if (!Number.isFinite(a[j])) {
        throw new Error(`checkpoint ${path}: array ${name} holds ${a[j]} at index ${j}, expected finite numbers only`);
      }
    }
  });
}
