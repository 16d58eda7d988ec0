import type { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';

/**
 * Calls `seen` with the WGSL program of every kernel `b` launches from now on, before the launch
 * (tests that check which program a shape, a tiling or a compile state selects).
 */
export function onLaunch(b: WebGPUBackend, seen: (shader: string) => void): void {
  const launch = b.launch.bind(b);
  b.launch = (program, ...rest) => {
    seen(program.shader);
    launch(program, ...rest);
  };
}
