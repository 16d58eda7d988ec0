/**
 * Reverse-mode autodiff. Ops attach a GradNode to their output while gradients
 * are recorded; `gradients` walks the graph from the loss in reverse topological
 * order, calls each op's own backward rule (ops/*.ts), and sums the gradients of
 * a tensor used more than once. Backward runs without recording, on the same
 * backend as the forward pass, so on WebGPU the whole pass stays on the GPU.
 */
import type { TensorData } from './backends/backend.js';
import { isGradEnabled, noGrad, tidy } from './runtime.js';
import { Tensor, ones, type BackwardFn } from './tensor.js';

/**
 * Wraps a kernel's output (fresh data, or a tensor sharing an input's storage)
 * and, when gradients are recorded, remembers how to differentiate it.
 */
export function record(
  op: string,
  out: TensorData | Tensor,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  const y = out instanceof Tensor ? out : Tensor.fromHandle(out, inputs[0].backend);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    y.requiresGrad = true;
    y.node = { op, inputs, saved, backward };
  }
  return y;
}

/** Tensors reachable from `root` through grad nodes, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  // Iterative DFS: deep graphs must not overflow the JS stack.
  const stack: { t: Tensor; expanded: boolean }[] = [{ t: root, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.t);
      continue;
    }
    if (seen.has(top.t.id)) continue;
    seen.add(top.t.id);
    stack.push({ t: top.t, expanded: true });
    for (const input of top.t.node?.inputs ?? []) {
      if (input.requiresGrad && !seen.has(input.id)) stack.push({ t: input, expanded: false });
    }
  }
  return order;
}

/**
 * dL/d(wrt[i]) for a scalar loss (or for `seed` as dL/d(loss)). A tensor of
 * `wrt` that the loss does not depend on gets zeros. Intermediate gradients are
 * disposed as soon as they have been used.
 */
export interface GradientOptions {
  /** dL/d(loss), for a non-scalar loss (default: ones). */
  seed?: Tensor;
  /**
   * Keep the graph for another backward pass. By default each node is cut once
   * used, so the forward pass's tensors can be freed (by tidy or dispose).
   */
  retainGraph?: boolean;
}

export function gradients(loss: Tensor, wrt: readonly Tensor[], options: GradientOptions = {}): Tensor[] {
  const seed = options.seed;
  // A disposed loss's node may have lost what its backward reads (max-pooling's argmax).
  loss.assertLive('gradients: the loss');
  if (!loss.requiresGrad) {
    throw new Error(
      `gradients: the loss (shape [${loss.shape}]) does not depend on any tensor that requires gradients; ` +
        'mark parameters with requiresGrad = true and compute the loss outside noGrad()',
    );
  }
  if (!seed && loss.size !== 1) {
    throw new Error(`gradients: the loss must be a scalar, got shape [${loss.shape}]; pass a seed gradient for other shapes`);
  }
  return noGrad(() => {
    const wanted = new Set(wrt.map((t) => t.id));
    const grads = new Map<number, Tensor>();
    grads.set(loss.id, seed ?? ones(loss.shape, loss.dtype));
    const order = topologicalOrder(loss);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const dy = grads.get(t.id);
      if (!dy || !t.node) continue;
      const inputs = t.node.inputs;
      // A tensor the rule needs may have been disposed (say, by a tidy that ended
      // before backward): fail loudly rather than read freed or reused memory.
      for (const s of [...inputs, ...t.node.saved]) s.assertLive(`${t.node.op} backward`);
      const needs = inputs.map((x) => x.requiresGrad);
      // A rule may hand dy (or one tensor) to several inputs; give each its own
      // reference so disposing one never frees another.
      const owned = new Set<Tensor>([dy]);
      const dxs = tidy(() => t.node!.backward(dy, needs)).map((dx) => {
        if (!dx) return dx;
        if (owned.has(dx)) return Tensor.sharing(dx, dx.handle);
        owned.add(dx);
        return dx;
      });
      if (!wanted.has(t.id)) {
        grads.delete(t.id);
        if (dy !== seed) dy.dispose();
      }
      inputs.forEach((x, k) => {
        const dx = dxs[k];
        if (!dx || !needs[k]) {
          dx?.dispose();
          return;
        }
        assertSameShape(t.node!.op, x, dx);
        const prev = grads.get(x.id);
        if (prev) {
          grads.set(x.id, accumulate(prev, dx));
        } else {
          grads.set(x.id, dx);
        }
      });
      if (!options.retainGraph) t.node = null;
    }
    return wrt.map((w) => {
      const g = grads.get(w.id);
      if (g) return g;
      return Tensor.fromHandle(w.backend.fill(w.shape, w.dtype, 0), w.backend);
    });
  });
}

function accumulate(a: Tensor, b: Tensor): Tensor {
  const sum = Tensor.fromHandle(a.backend.kernels.binary(a.handle, b.handle, 'add', a.shape), a.backend);
  a.dispose();
  b.dispose();
  return sum;
}

function assertSameShape(op: string, x: Tensor, dx: Tensor): void {
  if (x.shape.length !== dx.shape.length || x.shape.some((d, i) => d !== dx.shape[i])) {
    throw new Error(`${op} backward: produced a gradient of shape [${dx.shape}] for an input of shape [${x.shape}]`);
  }
}

/** Collects every leaf that requires gradients (parameters), in first-seen order. */
function leaves(root: Tensor): Tensor[] {
  return topologicalOrder(root).filter((t) => t.requiresGrad && !t.node);
}

/** Fills `.grad` of every leaf the loss depends on (adding to an existing grad). */
export function backward(loss: Tensor): void {
  const params = leaves(loss);
  const grads = gradients(loss, params);
  params.forEach((p, i) => {
    p.grad = p.grad ? accumulate(p.grad, grads[i]) : grads[i];
  });
}

/** Functional form: f's value and its gradient with respect to each argument. */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs: Tensor[]) => {
    const before = xs.map((x) => x.requiresGrad);
    xs.forEach((x) => (x.requiresGrad = true));
    try {
      const value = f(...xs);
      return { value, grads: gradients(value, xs) };
    } finally {
      xs.forEach((x, i) => (x.requiresGrad = before[i]));
    }
  };
}

/** Functional form: the gradient of f with respect to each argument. */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...xs: Tensor[]) => {
    const { value, grads } = vg(...xs);
    value.dispose();
    return grads;
  };
}
