/**
 * The window options that Conv2D and DepthwiseConv2D both take (kernelSize, strides, padding,
 * activation, useBias), checked once with the layer's name in every message.
 */
import type { Padding } from '../../backends/backend.js';
import { checkPadding, positivePair } from '../../ops/validate.js';
import { type Activation, checkActivation, checkBool } from './base.js';

export interface ConvWindowArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  activation?: Activation;
  useBias?: boolean;
}

export interface ConvWindow {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly activation: Activation;
  readonly useBias: boolean;
}

/** Keras's defaults: strides 1, 'valid' padding, a linear activation, a bias. */
export function convWindow(layer: string, args: ConvWindowArgs): ConvWindow {
  return {
    kernelSize: positivePair(layer, 'kernelSize', args.kernelSize),
    strides: positivePair(layer, 'strides', args.strides ?? 1),
    padding: checkPadding(layer, args.padding ?? 'valid'),
    activation: checkActivation(layer, args.activation ?? 'linear'),
    useBias: checkBool(layer, 'useBias', args.useBias ?? true),
  };
}
