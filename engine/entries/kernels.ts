/// <reference types="@webgpu/types" preserve="true" />
/**
 * `webgpu-tensor-engine/kernels`: custom kernels (`defineKernel`: WGSL and a CPU twin, with a
 * gradient) and the check that the two agree (`checkKernelParity`).
 * @module webgpu-tensor-engine/kernels
 */
export { defineKernel, checkKernelParity, type CustomKernel, type KernelDefinition, type KernelParityOptions, type KernelParityReport } from '../kernels/index.js';
