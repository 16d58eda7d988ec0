/**
 * The optimizer updates over flat buffers: each is ONE dispatch that updates every parameter
 * of a ParameterStore (nn/parameter-store.ts packs them), with Keras's formulas (engine/optim/
 * computes the per-step scalars on the host: learning rate from its schedule, Adam's step size,
 * the decoupled weight decay). Global-norm clipping is a separate in-place pass over the flat
 * gradient, reading the squared norm that a sum just wrote on the device.
 * Unused optional slots (SGD without momentum, RMSprop's momentum and average) are either a
 * program without them (sgd) or a one-element stand-in the program never touches (rmsprop).
 */
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type GPUStorage, type Gpu, type T, type FamilyFacts } from './family.js';

const programs = {
  adam: threads('adam'),
  sgd: threads('sgd'),
  sgdMomentum: threads('sgd_momentum'),
  rmsprop: threads('rmsprop'),
  adagrad: threads('adagrad'),
  clipByGlobalNorm: threads('clip_by_global_norm'),
} as const satisfies Record<string, Program>;

const CPU = 'engine/backends/cpu/optimizer-updates.ts';
const UPDATE = { none: 'an optimizer update, run outside autodiff' };

/** The slot's storage, or a one-element stand-in (returned in `standIns` for release after the launch). */
function slotOrStandIn(gpu: Gpu, slot: T | null, standIns: GPUStorage[], what: string): GPUStorage {
  if (slot) return slot.storage;
  const s = gpu.scratch(1, what);
  standIns.push(s);
  return s;
}

/**
 * Where each kernel of optimizers has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const optimizersFacts = {
  about: "Keras's optimizer updates (Adam, AdamW, SGD, RMSprop, Adagrad) and global-norm clipping, in place",
  kernels: {
    adam: { cpu: 'engine/backends/cpu/adam.ts', gradient: UPDATE },
    sgd: { cpu: CPU, gradient: UPDATE },
    rmsprop: { cpu: CPU, gradient: UPDATE },
    adagrad: { cpu: CPU, gradient: UPDATE },
    clipByGlobalNorm: { cpu: CPU, gradient: { none: 'a gradient transform before the optimizer update, outside autodiff' } },
  },
} as const satisfies FamilyFacts;

export const optimizers = family<keyof typeof optimizersFacts.kernels>({
  programs,
  table: (gpu) => ({
    adam: (param, grad, m, v, s) => {
      const n = sizeOf(param.shape);
      gpu.launch(programs.adam, { threads: n }, { param: param.storage, grad: grad.storage, m: m.storage, v: v.storage }, {
        n, stepSize: s.stepSize, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, decay: s.decay,
      });
    },
    sgd: (param, grad, velocity, s) => {
      const n = sizeOf(param.shape);
      if (velocity === null) {
        gpu.launch(programs.sgd, { threads: n }, { param: param.storage, grad: grad.storage }, { n, learningRate: s.learningRate, decay: s.decay });
        return;
      }
      gpu.launch(programs.sgdMomentum, { threads: n }, { param: param.storage, grad: grad.storage, velocity: velocity.storage }, {
        n, learningRate: s.learningRate, momentum: s.momentum, nesterov: s.nesterov ? 1 : 0, decay: s.decay,
      });
    },
    rmsprop: (param, grad, velocity, momentum, average, s) => {
      const n = sizeOf(param.shape);
      const standIns: GPUStorage[] = [];
      const buffers = {
        param: param.storage, grad: grad.storage, velocity: velocity.storage,
        mom: slotOrStandIn(gpu, momentum, standIns, 'rmsprop unused momentum'),
        average: slotOrStandIn(gpu, average, standIns, 'rmsprop unused average'),
      };
      gpu.launch(programs.rmsprop, { threads: n }, buffers, {
        n, learningRate: s.learningRate, rho: s.rho, momentum: s.momentum, epsilon: s.epsilon, decay: s.decay,
        useMomentum: momentum ? 1 : 0, centered: average ? 1 : 0,
      });
      for (const st of standIns) gpu.release(st);
    },
    adagrad: (param, grad, accumulator, s) => {
      const n = sizeOf(param.shape);
      gpu.launch(programs.adagrad, { threads: n }, { param: param.storage, grad: grad.storage, accumulator: accumulator.storage }, {
        n, learningRate: s.learningRate, epsilon: s.epsilon, decay: s.decay,
      });
    },
    clipByGlobalNorm: (grad, normSquared, clipNorm) => {
      const n = sizeOf(grad.shape);
      gpu.launch(programs.clipByGlobalNorm, { threads: n }, { grad: grad.storage, normSquared: normSquared.storage }, { n, clipNorm });
    },
  }),
});
