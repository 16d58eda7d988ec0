/**
 * Node only: one driver's calibration, in a process of its own (node/auto-backend.ts starts it
 * with that driver's environment: the Vulkan loader takes one driver per process). Prints one
 * JSON line: the adapter and the timing of engine/calibrate.ts's step, or the error.
 *
 *   node --import tsx node/calibrate-child.ts <driver> <batch> <steps>
 */
import { timeCalibrationStep } from '../engine/calibrate.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { parseAdapterName } from './webgpu-adapter.js';
import { nodeGPU } from './webgpu.js';

const [driver, batch, steps] = process.argv.slice(2);
try {
  const gpu = nodeGPU({ adapter: parseAdapterName(driver, 'calibrate-child driver') });
  // Only the pipelines the step uses are compiled, on first use.
  const be = await WebGPUBackend.create(gpu, { precompile: false });
  const t = await timeCalibrationStep(be, { batch: Number(batch), steps: Number(steps) });
  console.log(JSON.stringify({ ok: true, adapter: be.describe(), info: { vendor: be.adapterInfo.vendor, architecture: be.adapterInfo.architecture, device: be.adapterInfo.device, description: be.adapterInfo.description }, ...t }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: (e as Error).message }));
}
process.exit(0);
