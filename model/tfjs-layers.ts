/**
 * One layer's Keras config in the TensorFlow.js Layers format, both ways: `layerToJson` writes
 * the full field set tfjs-layers 4.x writes (so `tf.loadLayersModel` takes it), `layerFromJson`
 * reads what tfjs and Keras write, rejecting (with the layer named) any option we do not
 * implement instead of silently ignoring it. model/tfjs-format.ts builds models from these;
 * it owns the topology, the weights manifest and the weight bytes.
 *
 * Layers: Conv2D, DepthwiseConv2D, Dense, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Reshape, Dropout, Activation,
 * BatchNormalization, LayerNormalization, Embedding (and InputLayer, handled by the model).
 * Regularizers are written as tfjs's `L1L2`; Keras's `L1`, `L2` and `L1L2` are read.
 */
import {
  type Activation, ACTIVATION_NAMES, ActivationLayer, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout,
  Embedding, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, type Layer, LayerNormalization, MaxPooling2D, Reshape,
} from '../engine/nn/layers.js';
import { type Regularizer, regularizerJson } from '../engine/nn/regularizers.js';

export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

export const SUPPORTED_LAYERS = 'Conv2D, DepthwiseConv2D, Dense, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, '
  + 'Flatten, Reshape, Dropout, Activation, BatchNormalization, LayerNormalization, Embedding';

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

const GLOROT_UNIFORM = { class_name: 'GlorotUniform', config: { seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };
const ONES = { class_name: 'Ones', config: {} };
const RANDOM_UNIFORM = { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } };
const NO_REGULARIZERS = {
  kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
};

/**
 * Keras config of one of our layers. `inputShape` is the layer's input (no batch axis);
 * `batchInputShape` is written when given (the first layer of a Sequential).
 */
export function layerToJson(layer: Layer, inputShape: readonly number[], batchInputShape?: readonly (number | null)[]): KerasLayerJson {
  const common: Record<string, unknown> = { name: layer.name, trainable: layer.trainable, dtype: 'float32' };
  if (batchInputShape) common.batch_input_shape = [...batchInputShape];
  const json = (config: Record<string, unknown>): KerasLayerJson => ({ class_name: layer.className, config: { ...common, ...config } });
  if (layer instanceof Conv2D) {
    return json({
      filters: layer.filters, kernel_size: [...layer.kernelSize], strides: [...layer.strides], padding: layer.padding,
      data_format: 'channels_last', dilation_rate: [1, 1], activation: layer.activation, use_bias: layer.useBias,
      kernel_initializer: GLOROT_UNIFORM, bias_initializer: ZEROS, ...NO_REGULARIZERS, kernel_regularizer: regularizerJson(layer.kernelRegularizer),
    });
  }
  if (layer instanceof DepthwiseConv2D) {
    return json({
      kernel_size: [...layer.kernelSize], strides: [...layer.strides], padding: layer.padding, data_format: 'channels_last',
      dilation_rate: [1, 1], depth_multiplier: layer.depthMultiplier, activation: layer.activation, use_bias: layer.useBias,
      depthwise_initializer: GLOROT_UNIFORM, bias_initializer: ZEROS, depthwise_regularizer: regularizerJson(layer.depthwiseRegularizer),
      bias_regularizer: null, activity_regularizer: null, depthwise_constraint: null, bias_constraint: null,
    });
  }
  if (layer instanceof Dense) {
    return json({
      units: layer.units, activation: layer.activation, use_bias: layer.useBias,
      kernel_initializer: GLOROT_UNIFORM, bias_initializer: ZEROS, ...NO_REGULARIZERS, kernel_regularizer: regularizerJson(layer.kernelRegularizer),
    });
  }
  if (layer instanceof MaxPooling2D || layer instanceof AveragePooling2D) {
    return json({ pool_size: [...layer.poolSize], strides: [...layer.strides], padding: layer.padding, data_format: 'channels_last' });
  }
  if (layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPooling2D) return json({ data_format: 'channels_last', keepdims: false });
  if (layer instanceof Flatten) return json({ data_format: 'channels_last' });
  if (layer instanceof Reshape) return json({ target_shape: [...layer.targetShape] });
  if (layer instanceof Dropout) return json({ rate: layer.rate, noise_shape: null, seed: layer.seed });
  if (layer instanceof ActivationLayer) return json({ activation: layer.activation });
  if (layer instanceof BatchNormalization) {
    return json({
      axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
      beta_initializer: ZEROS, gamma_initializer: ONES, moving_mean_initializer: ZEROS, moving_variance_initializer: ONES,
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
    });
  }
  if (layer instanceof LayerNormalization) {
    // The last axis counted with the batch axis, as tfjs and Keras write it once built.
    return json({
      axis: [inputShape.length], epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
      beta_initializer: ZEROS, gamma_initializer: ONES, beta_regularizer: null, gamma_regularizer: null,
    });
  }
  if (layer instanceof Embedding) {
    return json({
      input_dim: layer.inputDim, output_dim: layer.outputDim, embeddings_initializer: RANDOM_UNIFORM,
      embeddings_regularizer: regularizerJson(layer.embeddingsRegularizer), activity_regularizer: null, embeddings_constraint: null,
      mask_zero: false, input_length: inputShape.length === 1 ? inputShape[0] : null,
    });
  }
  throw new Error(`tfjs-format: cannot save layer '${layer.name}' of class ${layer.className} (supported: ${SUPPORTED_LAYERS})`);
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** 'layer 3 'dense_1' (Dense)', for errors. */
export function describeLayer(cfg: KerasLayerJson, index: number): string {
  const name = typeof cfg.config?.name === 'string' ? `'${cfg.config.name}'` : '(unnamed)';
  return `layer ${index} ${name} (${cfg.class_name})`;
}

export function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** A Keras int or pair (kernel_size, strides, pool_size) as [a, b]. */
function pairOf(what: string, field: string, value: unknown): [number, number] {
  if (positiveInt(value)) return [value, value];
  if (Array.isArray(value) && value.length === 1 && positiveInt(value[0])) return [value[0], value[0]];
  if (Array.isArray(value) && value.length === 2 && positiveInt(value[0]) && positiveInt(value[1])) return [value[0], value[1]];
  throw new Error(`tfjs-format: ${what}: ${field} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`);
}

function activationOf(what: string, value: unknown): Activation {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(value)) return value as Activation;
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  throw new Error(`tfjs-format: ${what}: activation ${shown} is not supported (supported: ${ACTIVATION_NAMES.join(', ')})`);
}

function paddingOf(what: string, value: unknown): 'valid' | 'same' {
  if (value === undefined || value === null) return 'valid';
  if (value === 'valid' || value === 'same') return value;
  throw new Error(`tfjs-format: ${what}: padding ${JSON.stringify(value)} is not supported (supported: 'valid', 'same')`);
}

function checkChannelsLast(what: string, cfg: Record<string, unknown>): void {
  const f = cfg.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new Error(`tfjs-format: ${what}: data_format ${JSON.stringify(f)} is not supported (only 'channels_last')`);
  }
}

export function checkDType(what: string, cfg: Record<string, unknown>): void {
  const d = cfg.dtype;
  if (d !== undefined && d !== null && d !== 'float32') throw new Error(`tfjs-format: ${what}: dtype ${JSON.stringify(d)} is not supported (only 'float32')`);
}

function checkNoDilation(what: string, cfg: Record<string, unknown>): void {
  const dilation = pairOf(what, 'dilation_rate', cfg.dilation_rate ?? 1);
  if (dilation[0] !== 1 || dilation[1] !== 1) throw new Error(`tfjs-format: ${what}: dilation_rate ${JSON.stringify(cfg.dilation_rate)} is not supported (only 1)`);
}

/** Fields that must be absent, null or false (options we do not implement). */
function checkUnset(what: string, cfg: Record<string, unknown>, fields: readonly string[]): void {
  for (const f of fields) {
    const v = cfg[f];
    if (v !== undefined && v !== null && v !== false) throw new Error(`tfjs-format: ${what}: ${f} ${JSON.stringify(v)} is not supported`);
  }
}

function numberIn(what: string, field: string, value: unknown, fallback: number, ok: (v: number) => boolean, expected: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new Error(`tfjs-format: ${what}: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
  return value;
}

function boolOf(what: string, field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new Error(`tfjs-format: ${what}: ${field} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** A Keras/tfjs regularizer config ({ class_name: 'L1L2' | 'L1' | 'L2', config }) as our { l1, l2 }. */
function regularizerOf(what: string, field: string, value: unknown): Regularizer | null {
  if (value === undefined || value === null) return null;
  const r = value as { class_name?: unknown; config?: Record<string, unknown> };
  const cfg = r.config ?? {};
  const factor = (k: string): number => numberIn(what, `${field}.${k}`, cfg[k], 0, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  switch (r.class_name) {
    case 'L1L2': return { l1: factor('l1'), l2: factor('l2') };
    case 'L1': return { l1: factor('l1'), l2: 0 };
    case 'L2': return { l1: 0, l2: factor('l2') };
    default: throw new Error(`tfjs-format: ${what}: ${field} ${JSON.stringify(value)} is not supported (supported: L1L2, L1, L2)`);
  }
}

/**
 * Keras's normalisation axis, which must be the last: -1, [-1], or the last axis counted with
 * the batch axis (what a built layer writes, e.g. [3] for [h, w, c] inputs). The positive form
 * can be checked only once the input shape is known: the returned check does it.
 */
function lastAxisCheck(what: string, value: unknown): ((inputShape: readonly number[]) => void) | undefined {
  const axis = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (axis === undefined || axis === null || axis === -1) return undefined;
  if (!positiveInt(axis)) throw new Error(`tfjs-format: ${what}: axis ${JSON.stringify(value)} is not supported (only the last axis, -1)`);
  return (inputShape) => {
    if (axis !== inputShape.length) {
      throw new Error(`tfjs-format: ${what}: axis ${JSON.stringify(value)} is not the last axis of its input [null, ${inputShape.join(', ')}] (only the last axis, ${inputShape.length}, is supported)`);
    }
  };
}

export interface LoadedLayer {
  layer: Layer;
  /** Checks that need the layer's input shape (no batch axis); run once the model's shapes are known. */
  checkInput?: (inputShape: readonly number[]) => void;
  /** An input shape the config implies (Embedding's input_length), for a first layer without batch_input_shape. */
  impliedInputShape?: number[];
}

/**
 * Our layer for one Keras layer config (not InputLayer). `inputShape` is given to the first layer
 * of a Sequential. `trainable: false` is kept.
 */
export function layerFromJson(lc: KerasLayerJson, what: string, inputShape?: number[]): LoadedLayer {
  const cfg = lc.config ?? {};
  checkDType(what, cfg);
  let loaded: LoadedLayer;
  try {
    loaded = layerOf(lc.class_name, cfg, what, inputShape);
  } catch (e) {
    // A layer constructor's own check ('Reshape: targetShape must be ...'): say which layer of the file.
    const message = (e as Error).message;
    if (message.startsWith('tfjs-format:')) throw e;
    throw new Error(`tfjs-format: ${what}: ${message}`);
  }
  // A frozen layer stays frozen (Keras writes trainable: false for it).
  if (cfg.trainable === false) loaded.layer.trainable = false;
  return loaded;
}

function layerOf(className: string, cfg: Record<string, unknown>, what: string, inputShape?: number[]): LoadedLayer {
  switch (className) {
    case 'Conv2D':
    case 'Convolution2D': {
      checkChannelsLast(what, cfg);
      checkNoDilation(what, cfg);
      if (cfg.groups !== undefined && cfg.groups !== 1) throw new Error(`tfjs-format: ${what}: groups ${JSON.stringify(cfg.groups)} is not supported (only 1)`);
      if (!positiveInt(cfg.filters)) throw new Error(`tfjs-format: ${what}: filters must be a positive integer, got ${JSON.stringify(cfg.filters)}`);
      return {
        layer: new Conv2D({
          filters: cfg.filters,
          kernelSize: pairOf(what, 'kernel_size', cfg.kernel_size),
          strides: pairOf(what, 'strides', cfg.strides ?? 1),
          padding: paddingOf(what, cfg.padding),
          activation: activationOf(what, cfg.activation),
          useBias: cfg.use_bias !== false,
          kernelRegularizer: regularizerOf(what, 'kernel_regularizer', cfg.kernel_regularizer),
          inputShape,
        }),
      };
    }
    case 'DepthwiseConv2D': {
      checkChannelsLast(what, cfg);
      checkNoDilation(what, cfg);
      return {
        layer: new DepthwiseConv2D({
          kernelSize: pairOf(what, 'kernel_size', cfg.kernel_size),
          strides: pairOf(what, 'strides', cfg.strides ?? 1),
          padding: paddingOf(what, cfg.padding),
          depthMultiplier: numberIn(what, 'depth_multiplier', cfg.depth_multiplier, 1, Number.isInteger, 'a positive integer'),
          activation: activationOf(what, cfg.activation),
          useBias: cfg.use_bias !== false,
          depthwiseRegularizer: regularizerOf(what, 'depthwise_regularizer', cfg.depthwise_regularizer),
          inputShape,
        }),
      };
    }
    case 'Dense':
      if (!positiveInt(cfg.units)) throw new Error(`tfjs-format: ${what}: units must be a positive integer, got ${JSON.stringify(cfg.units)}`);
      return {
        layer: new Dense({
          units: cfg.units, activation: activationOf(what, cfg.activation), useBias: cfg.use_bias !== false,
          kernelRegularizer: regularizerOf(what, 'kernel_regularizer', cfg.kernel_regularizer), inputShape,
        }),
      };
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      checkChannelsLast(what, cfg);
      const poolSize = pairOf(what, 'pool_size', cfg.pool_size ?? 2);
      const args = {
        poolSize,
        strides: cfg.strides === undefined || cfg.strides === null ? poolSize : pairOf(what, 'strides', cfg.strides),
        padding: paddingOf(what, cfg.padding),
        inputShape,
      };
      return { layer: className.startsWith('Max') ? new MaxPooling2D(args) : new AveragePooling2D(args) };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPool2D':
      checkChannelsLast(what, cfg);
      checkUnset(what, cfg, ['keepdims']);
      return { layer: className.startsWith('GlobalMax') ? new GlobalMaxPooling2D({ inputShape }) : new GlobalAveragePooling2D({ inputShape }) };
    case 'Flatten':
      checkChannelsLast(what, cfg);
      return { layer: new Flatten({ inputShape }) };
    case 'Reshape':
      return { layer: new Reshape({ targetShape: cfg.target_shape as number[], inputShape }) };
    case 'Dropout':
      checkUnset(what, cfg, ['noise_shape']);
      return {
        layer: new Dropout({
          rate: numberIn(what, 'rate', cfg.rate ?? NaN, 0, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
          seed: cfg.seed === null || cfg.seed === undefined ? null : (cfg.seed as number),
          inputShape,
        }),
      };
    case 'Activation':
      return { layer: new ActivationLayer({ activation: activationOf(what, cfg.activation), inputShape }) };
    case 'BatchNormalization': {
      checkUnset(what, cfg, ['renorm', 'virtual_batch_size', 'adjustment', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'synchronized']);
      const checkInput = lastAxisCheck(what, cfg.axis);
      return {
        layer: new BatchNormalization({
          momentum: numberIn(what, 'momentum', cfg.momentum, 0.99, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
          epsilon: numberIn(what, 'epsilon', cfg.epsilon, 1e-3, (v) => Number.isFinite(v) && v > 0, 'a number > 0'),
          center: boolOf(what, 'center', cfg.center, true),
          scale: boolOf(what, 'scale', cfg.scale, true),
          inputShape,
        }),
        checkInput,
      };
    }
    case 'LayerNormalization': {
      checkUnset(what, cfg, ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'rms_scaling']);
      const checkInput = lastAxisCheck(what, cfg.axis);
      return {
        layer: new LayerNormalization({
          epsilon: numberIn(what, 'epsilon', cfg.epsilon, 1e-3, (v) => Number.isFinite(v) && v > 0, 'a number > 0'),
          center: boolOf(what, 'center', cfg.center, true),
          scale: boolOf(what, 'scale', cfg.scale, true),
          inputShape,
        }),
        checkInput,
      };
    }
    case 'Embedding': {
      checkUnset(what, cfg, ['mask_zero', 'embeddings_constraint', 'sparse']);
      if (!positiveInt(cfg.input_dim) || !positiveInt(cfg.output_dim)) {
        throw new Error(`tfjs-format: ${what}: input_dim and output_dim must be positive integers, got ${JSON.stringify(cfg.input_dim)} and ${JSON.stringify(cfg.output_dim)}`);
      }
      const length = cfg.input_length;
      const implied = positiveInt(length) ? [length] : Array.isArray(length) && length.every(positiveInt) ? (length as number[]) : undefined;
      return {
        layer: new Embedding({
          inputDim: cfg.input_dim, outputDim: cfg.output_dim,
          embeddingsRegularizer: regularizerOf(what, 'embeddings_regularizer', cfg.embeddings_regularizer),
          inputShape: inputShape ?? implied,
        }),
        impliedInputShape: implied,
      };
    }
    default:
      throw new Error(`tfjs-format: ${what}: layer type '${className}' is not supported (supported: ${SUPPORTED_LAYERS}, InputLayer)`);
  }
}
