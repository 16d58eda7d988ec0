/**
 * Keras's Adam over flat buffers: one dispatch updates every parameter (optim/adam.ts computes
 * the step size on the host; nn/parameter-store.ts packs the parameters).
 */
import { sizeOf } from '../../backend.js';
import type { Program } from '../launch.js';
import { family } from './family.js';

const programs = {
  adam: { shader: 'adam', workgroup: 'elementwise', grid: 'threads' },
} as const satisfies Record<string, Program>;

export const adam = family({
  about: "Keras's Adam update, in place",
  programs,
  kernels: {
    adam: { cpu: 'engine/backends/cpu/adam.ts', gradient: { none: 'an optimizer update, run outside autodiff' } },
  },
  table: (gpu) => ({
    adam: (param, grad, m, v, s) => {
      const n = sizeOf(param.shape);
      gpu.launch(programs.adam, { threads: n }, { param: param.storage, grad: grad.storage, m: m.storage, v: v.storage }, {
        n, stepSize: s.stepSize, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
      });
    },
  }),
});
