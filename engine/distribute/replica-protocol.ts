/**
 * The messages between the coordinator (replica-pool.ts, on the thread that called
 * fit) and a replica worker (replica-worker.ts). Every array is float32 or int32
 * and travels by structured clone (parameters, copied to each replica) or by
 * transfer (batch shares and gradients), so no SharedArrayBuffer is needed.
 */

/** Everything a replica needs to rebuild the model on its own backend. */
export interface InitMessage {
  type: 'init';
  /** 1-based, as errors name it. */
  replica: number;
  replicas: number;
  /** Keras Sequential topology (class_name/config), read by model/tfjs-format.ts's modelFromTopology. */
  topology: unknown;
  /** Parameter names and the flat length, to check the rebuilt store has the coordinator's layout. */
  parameterNames: string[];
  flatLength: number;
  backend: { gemm: 'wasm' | 'js'; threads: number };
  accuracy: boolean;
}

export interface StepMessage {
  type: 'step';
  /** Steps this pool has run before this one (0-based). */
  step: number;
  /** Every parameter, flat, in the ParameterStore's layout. */
  params: Float32Array;
  /** The replica's share: its samples and labels. */
  x: Float32Array;
  labels: Int32Array;
}

export type ToReplica = InitMessage | StepMessage;

export interface ReadyMessage {
  type: 'ready';
  /** The replica backend's describe(). */
  backend: string;
}

export interface GradsMessage {
  type: 'grads';
  step: number;
  loss: number;
  correct: number;
  grads: Float32Array;
}

export interface FailedMessage {
  type: 'failed';
  during: 'start' | 'step';
  message: string;
  stack?: string;
}

export type FromReplica = ReadyMessage | GradsMessage | FailedMessage;

/**
 * For tests only: ENGINE_REPLICA_FAULT=<throw|exit>:<replica>:<step> makes that replica
 * (1-based) throw, or end its thread with exit code 70, at the start of its step-th
 * step (1-based, counted over the whole fit; 0: while it starts). Read by the worker
 * from its environment.
 */
export interface ReplicaFault {
  kind: 'throw' | 'exit';
  replica: number;
  step: number;
}

export const REPLICA_FAULT_ENV = 'ENGINE_REPLICA_FAULT';

export function parseReplicaFault(spec: string | undefined): ReplicaFault | null {
  if (!spec) return null;
  const m = /^(throw|exit):(\d+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`${REPLICA_FAULT_ENV} must look like throw:<replica>:<step> or exit:<replica>:<step>, got '${spec}'`);
  return { kind: m[1] as 'throw' | 'exit', replica: Number(m[2]), step: Number(m[3]) };
}
