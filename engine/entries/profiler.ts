/// <reference types="@webgpu/types" preserve="true" />
/**
 * `webgpu-tensor-engine/profiler`: per-kernel GPU timings of a step (timestamp-query), for
 * benchmarks and the playground's timeline.
 * @module webgpu-tensor-engine/profiler
 */
export { GpuProfiler, type DispatchRecord, type TimingSource } from '../backends/webgpu/profiler.js';
