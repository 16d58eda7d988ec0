// Types of scripts/gen-shaders.mjs, for the tests that import it.
/** [first expanded line, source file, its line there]: the generator's line map, one segment a row. */
export type LineSegment = [start: number, file: string, fileLine: number];
/** The WGSL declarations of a `#storage(first) ACCESS NAME: ELEMENT, ...` line; `where` names it in errors. */
export declare function storageDeclarations(first: number, spec: string, where: string): string[];
/** One kernel with its includes and `#storage` lines expanded, and where each expanded line came from. */
export declare function expand(name: string, text?: string, file?: string): { code: string; lines: LineSegment[] };
/** The kernels: the .wgsl files of shaders/, without `.wgsl`, sorted. */
export declare function kernelNames(): string[];
/** The text of engine/backends/webgpu/shaders.generated.ts. */
export declare function generate(): Promise<string>;
