/**
 * A functional model's graph, traced back from its outputs: the nodes in an order in which each
 * one's inputs come before it, the layers, and Keras's node indices. Errors say which output or
 * input is wrong: an output that needs an input the model was not given (a disconnected graph),
 * an input no output uses, a cycle, two layers of one name.
 */
import type { Layer } from '../layers.js';
import { show } from '../show.js';
import { InputLayer } from './input.js';
import { type LayerNode, SymbolicTensor, layerLabel } from './symbolic.js';

export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every node, inputs' first (in the model's input order), each after the nodes it reads. */
  readonly nodes: readonly LayerNode[];
  /** Every layer once, in the order of its first node. */
  readonly layers: readonly Layer[];
  /** Per node, its index among its layer's nodes in this graph (Keras's node_index). */
  readonly nodeIndex: ReadonlyMap<LayerNode, number>;
}

/** The default name Keras gives a layer of `className`: Conv2D -> conv2d, MultiHeadAttention -> multi_head_attention. */
export function kerasBaseName(className: string): string {
  return className.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/([0-9])D$/, '$1d').toLowerCase();
}

function tensorList(model: string, what: 'inputs' | 'outputs', v: unknown): SymbolicTensor[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new Error(`${model}: ${what} is empty; expected at least one SymbolicTensor`);
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new Error(`${model}: ${what}[${i}] is ${show(t)}, expected a SymbolicTensor (from input() or a layer's apply)`);
    }
  });
  if (new Set(list).size !== list.length) throw new Error(`${model}: ${what} lists the same tensor twice`);
  return list as SymbolicTensor[];
}

function describeTensor(t: SymbolicTensor): string {
  return `${layerLabel(t.node.layer)} [None, ${t.shape.join(', ')}]`;
}

export function traceGraph(model: string, inputsIn: unknown, outputsIn: unknown): Graph {
  const inputs = tensorList(model, 'inputs', inputsIn);
  const outputs = tensorList(model, 'outputs', outputsIn);
  for (const [i, t] of inputs.entries()) {
    if (!(t.node.layer instanceof InputLayer)) {
      throw new Error(`${model}: inputs[${i}] is the output of ${describeTensor(t)}; a model's inputs must come from input()`);
    }
  }
  const state = new Map<LayerNode, 'visiting' | 'done'>();
  const nodes: LayerNode[] = inputs.map((t) => t.node);
  for (const n of nodes) state.set(n, 'done');
  const path: LayerNode[] = [];
  const visit = (node: LayerNode, output: SymbolicTensor): void => {
    const s = state.get(node);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(node)), node].map((n) => layerLabel(n.layer)).join(' -> ');
      throw new Error(`${model}: the graph has a cycle (${cycle}); a layer's output cannot feed its own input`);
    }
    if (node.layer instanceof InputLayer) {
      throw new Error(
        `${model}: output ${describeTensor(output)} depends on the input ${describeTensor(node.output)}, which is not among the model's inputs ` +
          `(${inputs.map(describeTensor).join(', ')}); the graph is disconnected`,
      );
    }
    state.set(node, 'visiting');
    path.push(node);
    for (const x of node.inputs) visit(x.node, output);
    path.pop();
    state.set(node, 'done');
    nodes.push(node);
  };
  for (const out of outputs) visit(out.node, out);
  for (const t of inputs) {
    const used = outputs.includes(t) || nodes.some((n) => n.inputs.includes(t));
    if (!used) throw new Error(`${model}: the input ${describeTensor(t)} is not used by any output`);
  }
  const layers: Layer[] = [];
  const nodeIndex = new Map<LayerNode, number>();
  const perLayer = new Map<Layer, number>();
  for (const n of nodes) {
    const k = perLayer.get(n.layer) ?? 0;
    if (k === 0) layers.push(n.layer);
    perLayer.set(n.layer, k + 1);
    nodeIndex.set(n, k);
  }
  nameLayers(model, layers);
  return { inputs, outputs, nodes, layers, nodeIndex };
}

/** Names the unnamed layers as Keras does (conv2d, conv2d_1, ...), keeping given names, which must be unique. */
function nameLayers(model: string, layers: readonly Layer[]): void {
  const taken = new Map<string, Layer>();
  for (const l of layers) {
    if (!l.name) continue;
    const other = taken.get(l.name);
    if (other) throw new Error(`${model}: two layers are named '${l.name}' (a ${other.className} and a ${l.className}); layer names must be unique`);
    taken.set(l.name, l);
  }
  for (const l of layers) {
    if (l.name) continue;
    const base = kerasBaseName(l.className);
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    l.name = name;
    taken.set(name, l);
  }
}
