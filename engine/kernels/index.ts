/** Custom kernels for web experiments: defineKernel and its parity helper. */
export { defineKernel, type CustomKernel, type KernelDefinition } from './define-kernel.js';
export { checkKernelParity, type KernelParityOptions, type KernelParityReport, type ParityComparison } from './kernel-parity.js';
