// Runs a TypeScript worker program from the engine's sources (under tsx or vitest): a Node
// worker thread does not inherit its parent's TypeScript loader, so this registers tsx's in
// the new thread first, then imports workerData.entry (default: the replica program).
// The built package starts dist/engine/distribute/replica-worker.js directly instead.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? new URL('./replica-worker.ts', import.meta.url).href);
