/** A value as an error message shows it: NaN and Infinity as such, strings quoted, arrays in brackets. */
export function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(show).join(', ')}]` : `an array of ${v.length} values`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength} values`;
  if (typeof v === 'function') return 'a function';
  const s = JSON.stringify(v);
  return s && s.length <= 60 ? s : Object.prototype.toString.call(v);
}
