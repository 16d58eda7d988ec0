/** How a fault's outcome is judged (see catalogue.ts): clear, unclear or silent. Hangs are judged by runner.ts. */
import type { Fault } from './catalogue.js';

export type OutcomeKind = 'clear' | 'unclear' | 'silent' | 'hang';

export interface Outcome {
  kind: OutcomeKind;
  /** The message, or what came back instead of an error. */
  detail: string;
}

/** Errors that mean a check is missing: something failed deep inside, not at the front door. */
const BARE = [TypeError, RangeError, SyntaxError, ReferenceError];

export async function classify(fault: Fault, run: () => unknown): Promise<Outcome> {
  let value: unknown;
  try {
    value = await run();
  } catch (e) {
    if (!(e instanceof Error)) return { kind: 'unclear', detail: `threw a non-Error: ${String(e)}` };
    const bare = BARE.find((c) => e instanceof c);
    if (bare) return { kind: 'unclear', detail: `bare ${bare.name}: ${e.message}` };
    if (!fault.expect.test(e.message)) return { kind: 'unclear', detail: `message does not match ${fault.expect}: ${e.message}` };
    return { kind: 'clear', detail: e.message };
  }
  return { kind: 'silent', detail: `returned ${summarize(value)}` };
}

function summarize(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v !== 'object') return String(v).slice(0, 120);
  const t = v as { isTensor?: boolean; shape?: number[]; dispose?: () => void };
  if (t.isTensor) {
    t.dispose?.();
    return `a tensor of shape [${t.shape}]`;
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<number>).length}`;
  const s = JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? `<${x.constructor.name}>` : x));
  return s === undefined ? Object.prototype.toString.call(v) : s.slice(0, 160);
}
