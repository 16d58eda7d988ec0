/**
 * `webgpu-tensor-engine/cpu` (and the single-file dist/engine-cpu.min.js): the CPU backend, the
 * engine's numerical reference and its fallback: typed arrays, float32 or float64, with the
 * WebAssembly SIMD GEMM (its module embedded, base64) and its worker threads.
 *
 * `init({ backend: 'cpu' })`, `init({ backend: 'auto' })` and fit's `onDeviceLost: 'cpu'` load
 * this module by themselves (a dynamic import) when they first need it, so the main entry does
 * not carry it: a page on WebGPU never downloads it. Import it to make a CPU backend yourself
 * (`setBackend(new CpuBackend('float64'))`). It holds no engine state of its own (tensors, the
 * current backend and autodiff are the main entry's), so it works with the main entry's tensors.
 * @module webgpu-tensor-engine/cpu
 */
export { CpuBackend, type CpuBackendOptions, type CpuGemm } from '../backends/cpu/cpu-backend.js';
