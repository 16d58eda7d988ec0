/** The page's handle on the training worker: typed requests that resolve with the worker's replies, and its events. */
import type { MethodName, Reply, Request, WorkerEvent, WorkerMethods } from './protocol.js';

type Result<M extends MethodName> = Awaited<ReturnType<WorkerMethods[M]>>;

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();

  constructor(url: string, onEvent: (e: WorkerEvent) => void, onCrash: (message: string) => void) {
    this.worker = new Worker(url, { type: 'module', name: 'playground-training' });
    this.worker.addEventListener('message', (e: MessageEvent) => {
      const msg = e.data as Reply | WorkerEvent;
      if (msg.type !== 'reply') return onEvent(msg);
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    this.worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      const message = `the training worker failed: ${e.message || 'it could not start (see the browser console)'}`;
      for (const p of this.pending.values()) p.reject(new Error(message));
      this.pending.clear();
      onCrash(message);
    });
  }

  call<M extends MethodName>(method: M, args: Request<M>['args'], transfer: Transferable[] = []): Promise<Result<M>> {
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.worker.postMessage({ id, method, args } satisfies Request<M>, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error(`${p.method}: the worker was stopped`));
    this.pending.clear();
  }
}
