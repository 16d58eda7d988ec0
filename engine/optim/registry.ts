/**
 * Optimizers by name: what compile({ optimizer: 'sgd' }) accepts, and how a checkpoint's
 * { className, config } becomes an optimizer again.
 */
import { show } from '../nn/show.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { isOptimizer, type Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** The names compile takes (Keras's identifiers; any letter case). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop', 'adamw', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

const CLASSES: Record<string, new (options?: Record<string, unknown>) => Optimizer> = {
  Adam, AdamW, SGD, RMSprop, Adagrad,
};
const BY_NAME: Record<OptimizerName, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop', adamw: 'AdamW', adagrad: 'Adagrad' };

/** An Optimizer from a name (with Keras's defaults) or an Optimizer; `where` names the caller in errors. */
export function getOptimizer(spec: unknown, where = 'compile'): Optimizer {
  if (spec === undefined) return new Adam();
  if (typeof spec === 'string') {
    const className = BY_NAME[spec.toLowerCase() as OptimizerName];
    if (className) return new CLASSES[className]();
  } else if (isOptimizer(spec)) {
    return spec;
  }
  throw new Error(
    `${where}: optimizer must be one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or an Optimizer ` +
      `(new SGD({ momentum: 0.9 }), new AdamW(), ...), got ${show(spec)}`,
  );
}

/** The optimizer `className` made with `config` (as getConfig() returned it); errors name the class and the option. */
export function optimizerFromConfig(className: string, config: Record<string, unknown>): Optimizer {
  const Class = CLASSES[className];
  if (!Class) throw new Error(`optimizer: unknown class ${show(className)} (expected one of ${Object.keys(CLASSES).join(', ')})`);
  return new Class(config);
}

/** The class names optimizerFromConfig knows. */
export const OPTIMIZER_CLASSES: readonly string[] = Object.keys(CLASSES);
