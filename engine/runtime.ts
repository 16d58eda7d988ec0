/**
 * Engine-wide state: the current backend, the gradient-recording switch and the
 * memory scopes of `tidy`. Kept in one place so tensors, ops and autograd agree.
 */
import type { Backend } from './backends/backend.js';
import type { Tensor } from './tensor.js';

let current: Backend | null = null;
let gradEnabled = true;
const scopes: Set<Tensor>[] = [];

export function setBackend(backend: Backend): void {
  current = backend;
}

export function getBackend(): Backend {
  if (!current) {
    throw new Error('No backend is set: call init({ backend }) or setBackend(new CpuBackend()) first.');
  }
  return current;
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording gradients (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** Called by every new Tensor so the innermost tidy scope can free it. */
export function trackTensor(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope) scope.add(t);
}

/** Removes t from every open scope, so it outlives them (parameters, optimizer state). */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

/**
 * Runs fn and disposes every tensor created inside it, except those reachable
 * from its result (a tensor, an array or a plain object of tensors) and those kept.
 * Kept results move to the enclosing scope.
 */
export function tidy<R>(fn: () => R): R {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: R;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const survivors = new Set<Tensor>();
  collectTensors(result, survivors);
  for (const t of scope) {
    if (!survivors.has(t)) t.dispose();
  }
  const outer = scopes[scopes.length - 1];
  if (outer) for (const t of survivors) if (scope.has(t)) outer.add(t);
  return result;
}

/** Collects tensors in a result and, through grad nodes, every tensor a later backward pass will read. */
function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value === null || typeof value !== 'object') return;
  if ((value as { isTensor?: boolean }).isTensor === true) {
    const stack = [value as Tensor];
    while (stack.length) {
      const t = stack.pop()!;
      if (into.has(t)) continue;
      into.add(t);
      if (t.node) stack.push(...t.node.inputs, ...t.node.saved);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value as object)) collectTensors(v, into);
  }
}
