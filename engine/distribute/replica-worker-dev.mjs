// Starts replica-worker.ts from the TypeScript sources (under tsx or vitest): a Node worker
// thread does not inherit the parent's TypeScript loader, so this registers tsx's first.
// The built package starts dist/engine/distribute/replica-worker.js directly instead.
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
