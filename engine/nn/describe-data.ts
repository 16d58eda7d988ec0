import { show } from './show.js';

/** A value for an error message, arrays by kind and length (show() would print every element). */
export function describeData(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length} values`;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length} values`;
  return show(v);
}
