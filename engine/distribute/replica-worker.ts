/**
 * A replica's program: started by replica-pool.ts in a Node worker thread or a
 * Web Worker. It makes its own CPU backend, rebuilds the model from its Keras
 * topology, then answers each step with its share's gradient (replica-step.ts).
 * Any error is sent back as a 'failed' message naming what it was doing; the
 * coordinator then names this replica in the error fit throws.
 *
 * It reads the topology with model/tfjs-format.ts, the same reader that loads a
 * saved model, so a replica is built exactly as a loaded model would be. That
 * module is imported here only, in the worker, so the engine bundle does not carry it.
 */
import { modelFromTopology, type ModelTopology } from '../../model/tfjs-format.js';
import { CpuBackend } from '../backends/cpu/cpu-backend.js';
import { setBackend } from '../runtime.js';
import {
  parseReplicaFault, REPLICA_FAULT_ENV, type FromReplica, type InitMessage, type ReplicaFault, type StepMessage, type ToReplica,
} from './replica-protocol.js';
import { ReplicaTrainer } from './replica-step.js';

interface Port {
  post(message: FromReplica, transfer?: Transferable[]): void;
  listen(handler: (message: ToReplica) => void): void;
  /** Ends this thread (the fault tests' "dies mid-step"). */
  exit(code: number): void;
  env(name: string): string | undefined;
}

type NodeProcess = {
  versions?: { node?: string };
  env: Record<string, string | undefined>;
  getBuiltinModule(id: string): unknown;
  exit(code: number): never;
};
type NodeParentPort = { postMessage(m: unknown, t?: Transferable[]): void; on(e: 'message', f: (m: ToReplica) => void): void };

function platformPort(): Port {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc?.versions?.node) {
    const wt = proc.getBuiltinModule('node:worker_threads') as { parentPort: NodeParentPort | null };
    const parent = wt.parentPort;
    if (!parent) throw new Error('replica-worker: this module is a worker thread program; replica-pool.ts starts it');
    return {
      post: (m, t) => parent.postMessage(m, t),
      listen: (h) => parent.on('message', h),
      // In a worker thread, process.exit ends only this thread, with this exit code.
      exit: (code) => proc.exit(code),
      env: (name) => proc.env[name],
    };
  }
  const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null; close(): void };
  return {
    post: (m, t) => scope.postMessage(m, t ?? []),
    listen: (h) => { scope.onmessage = (e) => h(e.data as ToReplica); },
    exit: () => scope.close(),
    env: () => undefined,
  };
}

const port = platformPort();
let trainer: ReplicaTrainer | null = null;
let init: InitMessage | null = null;
let fault: ReplicaFault | null = null;
let stepsRun = 0;

function failed(during: 'start' | 'step', e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  port.post({ type: 'failed', during, message: err.message, stack: err.stack });
}

function injectFault(f: ReplicaFault): void {
  if (f.kind === 'exit') port.exit(70);
  throw new Error(`injected fault (${REPLICA_FAULT_ENV}=throw:${f.replica}:${f.step})`);
}

function start(m: InitMessage): void {
  init = m;
  const f = parseReplicaFault(port.env(REPLICA_FAULT_ENV));
  fault = f && f.replica === m.replica ? f : null;
  if (fault?.step === 0) injectFault(fault);
  const backend = new CpuBackend('float32', { gemm: m.backend.gemm, threads: m.backend.threads });
  setBackend(backend);
  const model = modelFromTopology(m.topology as ModelTopology);
  model.build();
  const names = model.store.parameters.map((p) => p.name);
  if (names.join() !== m.parameterNames.join() || model.store.flat.size !== m.flatLength) {
    throw new Error(
      `the rebuilt model has parameters [${names.join(', ')}] (${model.store.flat.size} flat values), ` +
        `the coordinator's [${m.parameterNames.join(', ')}] (${m.flatLength})`,
    );
  }
  trainer = new ReplicaTrainer(model);
  port.post({ type: 'ready', backend: backend.describe() });
}

async function step(m: StepMessage): Promise<void> {
  if (!trainer || !init) throw new Error('a step arrived before the replica was initialised');
  stepsRun++;
  if (fault && fault.step === stepsRun) injectFault(fault);
  trainer.setParameters(m.params);
  const r = await trainer.gradients(m.x, m.labels, init.accuracy);
  port.post({ type: 'grads', step: m.step, loss: r.loss, correct: r.correct, grads: r.grads }, [r.grads.buffer]);
}

port.listen((m) => {
  if (m.type === 'init') {
    try {
      start(m);
    } catch (e) {
      failed('start', e);
    }
  } else if (m.type === 'step') {
    step(m).catch((e) => failed('step', e));
  }
});
