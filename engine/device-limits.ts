/**
 * What the engine's kernels need from a GPUDevice, and the check of a device an app made itself
 * (`init({ backend: 'webgpu', device })`). When the engine makes its own device it asks for the
 * adapter's maxima; an app's device may have been made with WebGPU's defaults, or less than the
 * chosen tiling needs, and the first failing pipeline would then be a validation error far from
 * its cause. This check names every limit that falls short, what the engine needs and why.
 *
 * Sizes that depend on the model (the largest tensor against maxStorageBufferBindingSize and
 * maxBufferSize) are checked when a tensor is allocated, with an error naming it.
 */
import { SHADERS } from './backends/webgpu/shaders.generated.js';
import type { Tiling } from './backends/webgpu/webgpu-backend.js';

/** The kernel that binds the most storage buffers, and how many, from the reflected layouts. */
function widestKernel(): { kernel: string; buffers: number } {
  let best = { kernel: '', buffers: 0 };
  for (const [kernel, source] of Object.entries(SHADERS)) {
    const buffers = source.layout.bindings.filter((b) => b.kind !== 'uniform').length;
    if (buffers > best.buffers) best = { kernel, buffers };
  }
  return best;
}

/** One limit the engine needs: at least `value`, for the reason given. */
export interface LimitNeed {
  limit: keyof GPUSupportedLimits;
  value: number;
  why: string;
}

/** The device limits the kernels need with this tiling. */
export function limitNeeds(tiling: Tiling): LimitNeed[] {
  const [mx, my] = tiling.matmul;
  const [cx, cy] = tiling.conv;
  const shapes = `tiling: elementwise ${tiling.elementwise}, matmul [${mx}, ${my}], conv [${cx}, ${cy}]`;
  const widest = widestKernel();
  return [
    { limit: 'maxStorageBuffersPerShaderStage', value: widest.buffers, why: `kernel '${widest.kernel}' binds ${widest.buffers} storage buffers` },
    { limit: 'maxComputeInvocationsPerWorkgroup', value: Math.max(tiling.elementwise, mx * my, cx * cy), why: `workgroup sizes (${shapes})` },
    { limit: 'maxComputeWorkgroupSizeX', value: Math.max(tiling.elementwise, mx, cx), why: `workgroup sizes (${shapes})` },
    { limit: 'maxComputeWorkgroupSizeY', value: Math.max(my, cy), why: `workgroup sizes (${shapes})` },
    { limit: 'maxUniformBufferBindingSize', value: 256, why: 'each dispatch reads a 256-byte uniform slot' },
  ];
}

/** Throws, naming every limit the device falls short of, unless it meets all the needs. */
export function checkDeviceLimits(device: Pick<GPUDevice, 'limits'>, needs: readonly LimitNeed[], what = 'init'): void {
  const short = needs.filter((n) => !(Number(device.limits[n.limit]) >= n.value));
  if (short.length === 0) return;
  const lines = short.map((n) => `${n.limit} is ${String(device.limits[n.limit])}, the engine needs ${n.value} (${n.why})`);
  const ask = short.map((n) => `${n.limit}: ${n.value}`).join(', ');
  throw new Error(
    `${what}: the GPUDevice passed in falls short of what the engine needs: ${lines.join('; ')}. ` +
      `Request the device with requiredLimits: { ${ask} } (adapter.limits gives the most the adapter allows), or pass a smaller webgpu.tiling.`,
  );
}
