/**
 * What the runtime knows about a WGSL program without parsing it: its bind-group layout, the
 * members of its uniform struct, its integer module constants and where each line came from.
 *
 * scripts/gen-shaders.mjs computes all of it at build time (reflect-layout.ts, with wgsl_reflect)
 * and writes it into shaders.generated.ts beside the WGSL text, so the browser bundle carries no
 * WGSL parser. The one runtime path that still reflects is a `shaderOverrides` string, which
 * loads the reflector lazily (see webgpu-backend.ts).
 */

export interface UniformMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** 'u32' | 'i32' | 'f32' for scalars; arrays and vectors are written as consecutive 32-bit words. */
  readonly type: string;
}

export interface BindingInfo {
  readonly name: string;
  readonly binding: number;
  readonly kind: 'uniform' | 'read-only-storage' | 'storage';
}

export interface ShaderLayout {
  /** Every binding of group 0, sorted by binding number. */
  readonly bindings: readonly BindingInfo[];
  /** The uniform struct's members and byte size (one uniform binding per kernel, or none). */
  readonly uniform: { readonly binding: number; readonly size: number; readonly members: readonly UniformMember[] } | null;
  /** Module-scope `const NAME: u32 = <integer>u;` declarations: the launch reads block sizes here. */
  readonly consts: Readonly<Record<string, number>>;
}

/**
 * Where the lines of an expanded shader came from: segment i covers expanded lines
 * [start_i, start_{i+1}) and maps them onto `file` from `fileLine` on.
 */
export type LineMap = readonly (readonly [start: number, file: string, fileLine: number])[];

/** One kernel's WGSL as the runtime compiles it. */
export interface ShaderSource {
  readonly code: string;
  readonly layout: ShaderLayout;
  /** Absent for hand-made sources: lines are then reported as lines of `code` itself. */
  readonly lines?: LineMap;
}

/** The source file and line of an expanded shader's line (1-based). */
export function locate(lines: LineMap | undefined, line: number, fallbackFile: string): { file: string; line: number } {
  if (!lines || lines.length === 0) return { file: fallbackFile, line };
  let seg = lines[0];
  for (const s of lines) {
    if (s[0] > line) break;
    seg = s;
  }
  return { file: seg[1], line: seg[2] + (line - seg[0]) };
}

/** One kernel as scripts/gen-shaders.mjs writes it: tuples instead of objects, to keep the bundle small. */
export type CompactShader = readonly [
  code: string,
  bindings: readonly (readonly [name: string, binding: number, kind: 'u' | 'r' | 's'])[],
  uniform: readonly [binding: number, size: number, members: readonly (readonly [name: string, offset: number, size: number, type: string])[]] | null,
  consts: Readonly<Record<string, number>>,
  lines: readonly (readonly [start: number, file: number, fileLine: number])[],
];

const KINDS = { u: 'uniform', r: 'read-only-storage', s: 'storage' } as const;

export function decodeLines(files: readonly string[], lines: CompactShader[4]): LineMap {
  return lines.map(([start, file, line]) => [start, files[file], line] as const);
}

/** The generated file's kernels as ShaderSources (`files` is the line maps' file table). */
export function decodeShaders<N extends string>(files: readonly string[], shaders: Record<N, CompactShader>): Record<N, ShaderSource> {
  const out = {} as Record<N, ShaderSource>;
  for (const name of Object.keys(shaders) as N[]) {
    const [code, bindings, uniform, consts, lines] = shaders[name];
    out[name] = {
      code,
      layout: {
        bindings: bindings.map(([n, binding, kind]) => ({ name: n, binding, kind: KINDS[kind] })),
        uniform: uniform && { binding: uniform[0], size: uniform[1], members: uniform[2].map(([n, offset, size, type]) => ({ name: n, offset, size, type })) },
        consts,
      },
      lines: decodeLines(files, lines),
    };
  }
  return out;
}
