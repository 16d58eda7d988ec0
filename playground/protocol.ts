/**
 * What the page, its training worker and the server say to each other. The page calls the worker
 * with requests (`{ id, method, args }`, answered by `{ type: 'reply', id, ok, ... }`); the worker
 * also sends events unasked (a step, an epoch, a profile, state changes).
 */
import type { TfjsArtifacts } from '../model/tfjs-format.js';

export type BackendKind = 'webgpu' | 'cpu';

/** /data/manifest.json: the files the page reads and how to check them. */
export interface DataManifest {
  classNames: string[];
  files: {
    key: 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';
    name: string;
    url: string;
    /** False when the server's data folder lacks it. */
    present: boolean;
    compressedBytes: number;
    magic: number;
    dims: number[];
    /** SHA-256 of the uncompressed content. */
    sha256: string;
  }[];
}

/** /runs/: models saved by `npm run train` that the server offers. */
export interface RunListing {
  /** False when the server was started without --runs. */
  served: boolean;
  runs: { name: string; modelJson: string; savedAt: string }[];
}

/** One split: pixels as bytes (count*28*28, row-major) and labels, usually over SharedArrayBuffers. */
export interface SplitBytes {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface TrainConfig {
  /** Use the first N training images. */
  trainImages: number;
  /** Validate each epoch on the first N test images; the final confusion matrix uses them too. */
  testImages: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  seed: number;
}

export interface BackendInfo {
  kind: BackendKind;
  /** backend.describe(), e.g. 'webgpu: google swiftshader ...'. */
  description: string;
  /** Whether a step can be profiled with GPU timestamps. */
  timestampQuery: boolean;
}

export interface ModelInfo {
  /** Steps trained since the model was made (or loaded). */
  steps: number;
  epochs: number;
  params: number;
  /** Where it came from: 'new (seed 42)', 'IndexedDB', 'model.json', 'runs/latest'. */
  source: string;
}

export interface FeatureMap {
  layer: string;
  /** [height, width, channels] */
  shape: [number, number, number];
  /** HWC, as the layer produced it. */
  values: Float32Array;
}

export interface Inspection {
  logits: Float32Array;
  probabilities: Float32Array;
  maps: FeatureMap[];
}

export interface TimelineEntry {
  kernel: string;
  op: string | null;
  startMs: number;
  ms: number;
}

export interface StepProfile {
  step: number;
  backend: BackendKind;
  /** 'gpu-timestamp' (timestamp-query), 'wall' (WebGPU without it) or 'host' (CPU kernels timed on the host). */
  source: 'gpu-timestamp' | 'wall' | 'host';
  entries: TimelineEntry[];
  /** Dispatches the backend counted during the step (its own counter; equals entries.length when every dispatch was timed). */
  dispatches: number | null;
  wallMs: number;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
  confusion: number[][];
}

export type TrainState = 'idle' | 'training' | 'paused' | 'stopping';

export interface StepEvent {
  type: 'step';
  step: number;
  epoch: number;
  loss: number;
  /** Accuracy of this batch. */
  accuracy: number;
  batch: number;
  ms: number;
  /** Images per second over the recent unprofiled steps. */
  imagesPerSecond: number;
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  /** The step the epoch ended at (x of its points in the charts). */
  step: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

export type WorkerEvent =
  | StepEvent
  | EpochEvent
  | { type: 'state'; state: TrainState; model: ModelInfo | null }
  | { type: 'profile'; profile: StepProfile }
  | { type: 'evaluation'; evaluation: Evaluation; final: boolean }
  | { type: 'trained'; reason: 'done' | 'stopped' | 'max-steps' }
  | { type: 'error'; message: string };

/** Methods of the worker; each returns its reply's result. */
export interface WorkerMethods {
  init(args: { backend: BackendKind }): BackendInfo;
  setData(args: { train: SplitBytes; test: SplitBytes }): { train: number; test: number };
  /** Starts (or continues) training; resolves once started. */
  train(args: { config: TrainConfig }): { started: true };
  pause(): TrainState;
  resume(): TrainState;
  stop(): TrainState;
  /** Profiles the next training step (or, when idle, one step of its own). */
  profile(): { queued: true };
  newModel(args: { seed: number }): ModelInfo;
  /** A test image, or a picture (made the model's input by fromPixels: grayscale, 28x28, inverted if asked). */
  inspect(args: { testIndex?: number; image?: ImageBitmap; invert?: boolean }): Inspection;
  /** Logits [indices.length, 10] of test images. */
  predict(args: { indices: number[] }): Float32Array;
  evaluate(args: { testImages: number }): Evaluation;
  exportModel(): TfjsArtifacts;
  /** Replaces the model after checking it is the tutorial CNN; the current one stays on any error. */
  importModel(args: { artifacts: TfjsArtifacts; source: string }): ModelInfo;
}

export type MethodName = keyof WorkerMethods;

export interface Request<M extends MethodName = MethodName> {
  id: number;
  method: M;
  args: Parameters<WorkerMethods[M]>[0];
}

export type Reply =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
