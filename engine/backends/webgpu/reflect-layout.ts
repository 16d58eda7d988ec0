/**
 * The WGSL reflector: a shader's bind-group layout, uniform members and integer constants, read
 * from the WGSL itself with wgsl_reflect, so no second hand-kept description can drift from it.
 *
 * It runs at BUILD time (scripts/gen-shaders.mjs writes its results into shaders.generated.ts)
 * and otherwise only when a `shaderOverrides` string is given, loaded lazily then. Nothing the
 * engine's index imports reaches this file, so the browser bundle ships no WGSL parser
 * (test/engine-bundle.test.ts checks it).
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { BindingInfo, ShaderLayout, UniformMember } from './shader-layout.js';

/** Group 0 only, at most one uniform binding, u32 constants written as `const NAME: u32 = 8u;`. */
export function reflectLayout(name: string, code: string): ShaderLayout {
  let r: WgslReflect;
  try {
    r = new WgslReflect(code);
  } catch (e) {
    throw new Error(`webgpu: wgsl_reflect could not parse kernel '${name}': ${(e as Error).message}`);
  }
  const bindings: BindingInfo[] = [];
  let uniform: ShaderLayout['uniform'] = null;
  for (const u of r.uniforms) {
    if (u.group !== 0) throw new Error(`webgpu: kernel '${name}' binds '${u.name}' in group ${u.group}; kernels use group 0 only`);
    if (uniform) throw new Error(`webgpu: kernel '${name}' declares more than one uniform binding`);
    const members: UniformMember[] = (u.members ?? []).map((m) => ({ name: m.name, offset: m.offset, size: m.size, type: m.type.name }));
    uniform = { binding: u.binding, size: Math.ceil(u.size / 16) * 16, members };
    bindings.push({ name: u.name, binding: u.binding, kind: 'uniform' });
  }
  for (const s of r.storage) {
    if (s.group !== 0) throw new Error(`webgpu: kernel '${name}' binds '${s.name}' in group ${s.group}; kernels use group 0 only`);
    bindings.push({ name: s.name, binding: s.binding, kind: s.access === 'read' ? 'read-only-storage' : 'storage' });
  }
  bindings.sort((a, b) => a.binding - b.binding);
  const consts: Record<string, number> = {};
  for (const m of code.matchAll(/^const\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*u32\s*=\s*(\d+)u?\s*;/gm)) consts[m[1]] = Number(m[2]);
  return { bindings, uniform, consts };
}
