/**
 * The search space of `npm run tune`: a JSON object with one entry per hyperparameter to search,
 * each a list of choices, a range, or a single fixed value:
 *
 *   {
 *     "learningRate": { "min": 1e-4, "max": 1e-2, "log": true },
 *     "batchSize": [64, 128, 256],
 *     "optimizer": ["adam", "rmsprop"],
 *     "dropout": { "min": 0, "max": 0.5 },
 *     "epochs": 3
 *   }
 *
 * A range samples uniformly in [min, max], or uniformly in log(value) with "log": true (min > 0);
 * the integer hyperparameters (batchSize, epochs) sample whole numbers in [min, max]. Hyperparameters
 * left out keep the tutorial's value (DEFAULT_HYPERPARAMETERS). Every error names the file, the
 * key and what was expected.
 */
import { readFileSync } from 'node:fs';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../engine/optim/registry.js';

/** What one trial trains with: the tutorial CNN and fit's settings. */
export interface Hyperparameters {
  /** The optimizer's learning rate (a fixed number). */
  learningRate: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Dropout rate before the hidden Dense layer (model/cnn.ts); 0: no Dropout layer. */
  dropout: number;
  /** L2 factor on every kernel (model/cnn.ts); 0: none. */
  l2: number;
  /** The epoch cap; EarlyStopping on val_loss may stop sooner. */
  epochs: number;
}

export type HyperparameterName = keyof Hyperparameters;

/** The tutorial's settings: what a hyperparameter the space leaves out trains with. */
export const DEFAULT_HYPERPARAMETERS: Readonly<Hyperparameters> = {
  learningRate: 0.001,
  batchSize: 256,
  optimizer: 'adam',
  dropout: 0,
  l2: 0,
  epochs: 20,
};

/** The values each hyperparameter may take. */
interface Domain {
  kind: 'real' | 'integer' | 'name';
  /** Whether v is allowed (v already has the kind's type). */
  allows(v: number | string): boolean;
  /** What is expected, for errors: "a number > 0". */
  expected: string;
}

const DOMAINS: Record<HyperparameterName, Domain> = {
  learningRate: { kind: 'real', allows: (v) => (v as number) > 0, expected: 'a number > 0' },
  batchSize: { kind: 'integer', allows: (v) => (v as number) >= 1, expected: 'an integer >= 1' },
  optimizer: {
    kind: 'name',
    allows: (v) => (OPTIMIZER_NAMES as readonly string[]).includes(v as string),
    expected: `one of ${OPTIMIZER_NAMES.map((n) => `"${n}"`).join(', ')}`,
  },
  dropout: { kind: 'real', allows: (v) => (v as number) >= 0 && (v as number) < 1, expected: 'a rate in [0, 1)' },
  l2: { kind: 'real', allows: (v) => (v as number) >= 0, expected: 'a number >= 0' },
  epochs: { kind: 'integer', allows: (v) => (v as number) >= 1, expected: 'an integer >= 1' },
};

/** The hyperparameters a space may name, in the order the sampler draws them. */
export const HYPERPARAMETER_NAMES = Object.keys(DOMAINS) as HyperparameterName[];

export type Dimension =
  | { kind: 'choice'; values: readonly (number | string)[] }
  /** `integer` comes from the hyperparameter (batchSize, epochs), not from the file. */
  | { kind: 'range'; min: number; max: number; log: boolean; integer: boolean };

/** A parsed space: the hyperparameters it searches (or fixes), each with its dimension. */
export type SearchSpace = Partial<Record<HyperparameterName, Dimension>>;

/** Whether a hyperparameter of `kind` takes `v` (its JSON type and, for integers, wholeness). */
function hasKind(kind: Domain['kind'], v: unknown): v is number | string {
  if (kind === 'name') return typeof v === 'string';
  return typeof v === 'number' && Number.isFinite(v) && (kind === 'real' || Number.isInteger(v));
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/** Checks a space given as parsed JSON; `source` (the file) starts every error. */
export function parseSpace(json: unknown, source = 'space'): SearchSpace {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail(`expected a JSON object with one entry per hyperparameter (${HYPERPARAMETER_NAMES.join(', ')}), got ${show(json)}`);
  }
  const space: SearchSpace = {};
  for (const [key, spec] of Object.entries(json as Record<string, unknown>)) {
    if (!(HYPERPARAMETER_NAMES as string[]).includes(key)) {
      fail(`unknown hyperparameter "${key}" (expected one of ${HYPERPARAMETER_NAMES.join(', ')})`);
    }
    const name = key as HyperparameterName;
    const domain = DOMAINS[name];
    const value = (v: unknown, where: string): number | string => {
      if (!hasKind(domain.kind, v) || !domain.allows(v)) fail(`${where} must be ${domain.expected}, got ${show(v)}`);
      return v as number | string;
    };
    if (Array.isArray(spec)) {
      if (spec.length === 0) fail(`${name} lists no choices; give at least one`);
      const values = spec.map((v, i) => value(v, `${name}[${i}]`));
      const twice = values.find((v, i) => values.indexOf(v) !== i);
      if (twice !== undefined) fail(`${name} lists ${show(twice)} twice`);
      space[name] = { kind: 'choice', values };
    } else if (spec !== null && typeof spec === 'object') {
      if (domain.kind === 'name') fail(`${name} takes a list of choices such as ["adam", "sgd"], not a range`);
      const extra = Object.keys(spec).filter((k) => k !== 'min' && k !== 'max' && k !== 'log');
      if (extra.length) fail(`${name} has unknown field(s) ${extra.join(', ')} (a range is { "min": ..., "max": ..., "log": true|false })`);
      const { min, max, log = false } = spec as { min?: unknown; max?: unknown; log?: unknown };
      const lo = value(min, `${name}.min`) as number;
      const hi = value(max, `${name}.max`) as number;
      if (lo > hi) fail(`${name}.min (${lo}) is more than ${name}.max (${hi})`);
      if (typeof log !== 'boolean') fail(`${name}.log must be true or false, got ${show(log)}`);
      if (log && lo <= 0) fail(`${name}.min must be > 0 for a log range, got ${lo}`);
      space[name] = { kind: 'range', min: lo, max: hi, log: log as boolean, integer: domain.kind === 'integer' };
    } else {
      // A bare value fixes the hyperparameter for every trial.
      space[name] = { kind: 'choice', values: [value(spec, name)] };
    }
  }
  return space;
}

/** Reads and checks a space file; errors name the file. */
export function readSpaceFile(path: string): SearchSpace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`space file ${path}: cannot read it (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`space file ${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseSpace(json, `space file ${path}`);
}

/** The hyperparameters whose dimension can take more than one value: what the search varies. */
export function searchedNames(space: SearchSpace): HyperparameterName[] {
  return HYPERPARAMETER_NAMES.filter((n) => {
    const d = space[n];
    return d !== undefined && (d.kind === 'choice' ? d.values.length > 1 : d.max > d.min);
  });
}

/** The number of distinct trials the space holds, or Infinity when a real hyperparameter spans a range. */
export function spaceSize(space: SearchSpace): number {
  let n = 1;
  for (const name of HYPERPARAMETER_NAMES) {
    const d = space[name];
    if (!d) continue;
    if (d.kind === 'choice') n *= d.values.length;
    else if (d.integer) n *= d.max - d.min + 1;
    else if (d.max > d.min) return Infinity;
  }
  return n;
}
