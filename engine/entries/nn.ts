/**
 * `webgpu-tensor-engine/nn`: training. The tutorial CNN's layers (Conv2D, MaxPooling2D,
 * Flatten, Dense), `Sequential` with compile/fit/evaluate/predict, the train step, the
 * optimizers (by class, or by the names compile takes: 'adam', 'sgd', ...) and learning-rate
 * schedules, and the callbacks. They run on the tensors and backends of the main entry; the
 * layers beyond the tutorial's and the functional API (input, Model) are in ./layers.
 * Apart from the main entry so that a page that only computes with tensors (inference written
 * with the ops, a custom training loop with `gradients`) does not load the training code.
 * @module webgpu-tensor-engine/nn
 */
// The tutorial's layers from their own files (the layers index would bring every layer).
export { Layer, type Activation, type WeightSpec } from '../nn/layers/base.js';
export { Conv2D, type Conv2DArgs } from '../nn/layers/conv2d.js';
export { MaxPooling2D, type MaxPooling2DArgs, type Pooling2DArgs } from '../nn/layers/pooling.js';
export { Flatten } from '../nn/layers/flatten.js';
export { Dense, type DenseArgs } from '../nn/layers/dense.js';
export { CallContext, INFERENCE, type CallContextOptions } from '../nn/call-context.js';
export type { Regularizer } from '../nn/regularizers.js';
export type { Initializer } from '../nn/initializers.js';
export { Sequential, type SequentialOptions, type ModelWeight } from '../nn/sequential.js';
// Layer.apply's result; the rest of the functional API (input, Model, ...) is in ./layers.
export { SymbolicTensor, type LayerNode } from '../nn/functional/symbolic.js';
export type { TrainableModel } from '../nn/trainable-model.js';
export { ParameterStore, type Parameter, type ParameterSpec } from '../nn/parameter-store.js';
export { trainStep } from '../nn/train-step.js';
export { Adam, AdamW, type AdamOptions } from '../optim/adam.js';
export { SGD, type SgdOptions } from '../optim/sgd.js';
export { RMSprop, type RmspropOptions } from '../optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from '../optim/adagrad.js';
export { type Optimizer, type OptimizerState, type OptimizerConfig, type OptimizerBaseOptions, FlatOptimizer } from '../optim/optimizer.js';
export { getOptimizer, optimizerFromConfig, OPTIMIZER_NAMES, type OptimizerName } from '../optim/registry.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay, scheduleFromRecord,
  type ExponentialDecayOptions, type PiecewiseConstantDecayOptions, type CosineDecayOptions, type ScheduleRecord,
} from '../optim/schedules.js';
export {
  History, EarlyStopping, TerminateOnNaN, NonFiniteLossError, type Callback, type BatchLogs, type EpochLogs, type EarlyStoppingOptions,
  ReduceLROnPlateau, type ReduceLROnPlateauOptions, type TrainingContext, type MetricName, type MetricsReadLogs,
} from '../nn/callbacks.js';
// fit's `augment` option, and the op behind it, for a loop of one's own.
export { augment, type Augmentation, type AugmentKey } from '../ops/augment.js';
export { type HostData, type FitOptions, type CompileOptions, type ProgressReporter, lineReporter } from '../nn/training.js';
