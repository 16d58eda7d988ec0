/// <reference types="@webgpu/types" preserve="true" />
/**
 * `webgpu-tensor-engine/pixels`: `fromPixels`, a tensor from an ImageBitmap, a canvas, a video
 * frame or ImageData (on WebGPU without a round trip through the CPU). Apart from the main
 * entry because it carries its own WGSL and texture code that training does not need.
 * @module webgpu-tensor-engine/pixels
 */
export { fromPixels, type FromPixelsOptions, type PixelSource, type RawPixels } from '../ops/from-pixels.js';
