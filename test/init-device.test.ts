/**
 * init({ backend: 'webgpu', device }) on a GPUDevice the app made (Node, Dawn + SwiftShader):
 * - a device with WebGPU's default limits runs the engine, ops and a training step included, and
 *   the engine's tensors are buffers on that very device;
 * - a device short of a limit (or a tiling that needs more than the device has) is a clear error
 *   naming the limit, the device's value and what is needed, before anything runs;
 * - the storage-buffer count the check uses is the most any embedded kernel binds.
 */
import { describe, expect, it } from 'vitest';
import type { GPUStorage, WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { SHADERS } from '../engine/backends/webgpu/shaders.generated.js';
import { DEFAULT_TILING } from '../engine/backends/webgpu/webgpu-backend.js';
import { limitNeeds } from '../engine/device-limits.js';
import { init } from '../engine/init.js';
import { Dense, Sequential, matmul, tensor } from '../engine/index.js';
import { nodeGPU } from '../node/webgpu.js';

async function defaultDevice(): Promise<GPUDevice> {
  const adapter = await nodeGPU().requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter (SwiftShader) in this process');
  return adapter.requestDevice({ label: 'the app device' }); // no requiredLimits: WebGPU's defaults
}

describe("init on the app's GPUDevice", () => {
  it('runs ops and a training step on a device with the default limits, in buffers of that device', async () => {
    const device = await defaultDevice();
    const lines: string[] = [];
    const backend = (await init({ backend: 'webgpu', device, log: (l) => lines.push(l) })) as WebGPUBackend;
    expect(backend.name).toBe('webgpu');
    expect(backend.device).toBe(device);
    expect(lines[0]).toMatch(/^engine: using webgpu: .*on the app's GPUDevice$/);
    const c = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await c.data())).toEqual([19, 22, 43, 50]);
    // The result is a buffer of the app's device: the app can bind it in its own passes.
    const storage = c.handle.storage as GPUStorage;
    const staging = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(storage.buffer, storage.byteOffset, staging, 0, 16);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    expect(Array.from(new Float32Array(staging.getMappedRange()))).toEqual([19, 22, 43, 50]);
    staging.unmap();
    // 'auto' takes the device too.
    expect((await init({ backend: 'auto', device, log: () => {} })).name).toBe('webgpu');
    // A short fit on it.
    const model = new Sequential([new Dense({ units: 3, activation: 'relu', inputShape: [4] }), new Dense({ units: 2 })], { seed: 1 })
      .compile({ optimizer: 'adam' });
    const x = { values: Float32Array.from({ length: 32 }, (_, i) => (i % 5) / 5), shape: [8, 4] };
    const history = await model.fit(x, [0, 1, 0, 1, 0, 1, 0, 1], { epochs: 2, batchSize: 4, verbose: 0 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('a device short of a limit is an error naming the limit, its value and the need', async () => {
    const device = await defaultDevice();
    const storage = limitNeeds(DEFAULT_TILING).find((n) => n.limit === 'maxStorageBuffersPerShaderStage')!;
    const short = { limits: { ...limitsOf(device), maxComputeInvocationsPerWorkgroup: 32, maxStorageBuffersPerShaderStage: 2 }, createBuffer: () => null };
    await expect(init({ backend: 'webgpu', device: short as unknown as GPUDevice, log: () => {} })).rejects.toThrow(
      new RegExp(
        `^init: the GPUDevice passed in falls short of what the engine needs: maxStorageBuffersPerShaderStage is 2, the engine needs ${storage.value} \\(kernel '\\w+' binds ${storage.value} storage buffers\\); ` +
        'maxComputeInvocationsPerWorkgroup is 32, the engine needs 64 \\(workgroup sizes \\(tiling: elementwise 64, matmul \\[8, 8\\], conv \\[8, 8\\]\\)\\)\\. ' +
        `Request the device with requiredLimits: \\{ maxStorageBuffersPerShaderStage: ${storage.value}, maxComputeInvocationsPerWorkgroup: 64 \\}`,
      ),
    );
    // A real device with its defaults (256 invocations per workgroup) and a tiling that needs more.
    await expect(init({ backend: 'webgpu', device, webgpu: { tiling: { conv: [32, 16] } }, log: () => {} })).rejects.toThrow(
      /maxComputeInvocationsPerWorkgroup is 256, the engine needs 512 \(workgroup sizes \(tiling: elementwise 64, matmul \[8, 8\], conv \[32, 16\]\)\)/,
    );
    await expect(init({ backend: 'cpu', device, log: () => {} })).rejects.toThrow(/a GPUDevice was passed but backend is 'cpu'/);
    await expect(init({ backend: 'webgpu', device: {} as GPUDevice, log: () => {} })).rejects.toThrow('init: device must be a GPUDevice, got object');
  });

  it('the storage-buffer need is the most any kernel binds, counted in the WGSL itself', () => {
    // Counted in the expanded WGSL text, independently of the reflected layouts the need uses.
    const counts = Object.values(SHADERS).map((s) => (s.code.replace(/\/\/.*$/gm, '').match(/var<storage/g) ?? []).length);
    expect(counts.length).toBeGreaterThan(10);
    const need = limitNeeds(DEFAULT_TILING).find((n) => n.limit === 'maxStorageBuffersPerShaderStage')!;
    expect(need.value).toBe(Math.max(...counts));
    expect(need.why).toMatch(new RegExp(`^kernel '\\w+' binds ${need.value} storage buffers$`));
  });
});

function limitsOf(device: GPUDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in device.limits) out[k] = Number((device.limits as unknown as Record<string, number>)[k]);
  return out;
}
