/**
 * WGSL of fromPixels on WebGPU (launched by from-pixels-webgpu.ts): reads the RGBA8 texture that
 * copyExternalImageToTexture filled and writes the float tensor [1, outH, outW, channels].
 * Per source texel: grayscale by luma (0.299 R + 0.587 G + 0.114 B; an exactly gray texel stays
 * exact), inverted if asked, times alpha (transparent pixels become the black background); then
 * the resize of from-pixels-resize.ts, per axis, and a clamp to [0, 1].
 *
 * It lives here, not in shaders/, because it binds a texture: the kernel table's shaders bind
 * only buffers, and this one has its own explicit bind-group layout.
 */
export const FROM_PIXELS_WGSL = /* wgsl */ `
struct Params {
  srcW: u32, srcH: u32, outW: u32, outH: u32,
  channels: u32, invert: u32, rowStride: u32, pad: u32,
}

@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

const LUMA = vec3f(0.299, 0.587, 0.114);

// The source samples [lo, hi) that output sample o of an n -> m resize reads.
fn spanOf(o: u32, n: u32, m: u32) -> vec2u {
  if (n == m) { return vec2u(o, o + 1u); }
  let scale = f32(n) / f32(m);
  if (n > m) {
    return vec2u(u32(floor(f32(o) * scale)), min(n, u32(ceil(f32(o + 1u) * scale))));
  }
  let i0 = u32(floor(clamp((f32(o) + 0.5) * scale - 0.5, 0.0, f32(n - 1u))));
  return vec2u(i0, min(n, i0 + 2u));
}

// The weight of source sample i in output sample o (area coverage shrinking, linear enlarging).
fn weightOf(i: u32, o: u32, n: u32, m: u32) -> f32 {
  if (n == m) { return 1.0; }
  let scale = f32(n) / f32(m);
  if (n > m) {
    let lo = f32(o) * scale;
    let hi = f32(o + 1u) * scale;
    return max(0.0, min(hi, f32(i + 1u)) - max(lo, f32(i))) / scale;
  }
  let c = clamp((f32(o) + 0.5) * scale - 0.5, 0.0, f32(n - 1u));
  let f = c - floor(c);
  return select(f, 1.0 - f, i == u32(floor(c)));
}

fn texel(at: vec2u) -> vec3f {
  let t = textureLoad(src, at, 0);
  var v = t.rgb;
  if (p.channels == 1u) {
    v = vec3f(select(dot(v, LUMA), v.r, v.r == v.g && v.g == v.b));
  }
  if (p.invert == 1u) { v = 1.0 - v; }
  return v * t.a;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = gid.x + gid.y * p.rowStride;
  if (o >= p.outW * p.outH) { return; }
  let ox = o % p.outW;
  let oy = o / p.outW;
  let ys = spanOf(oy, p.srcH, p.outH);
  let xs = spanOf(ox, p.srcW, p.outW);
  var acc = vec3f(0.0);
  for (var y = ys.x; y < ys.y; y++) {
    let wy = weightOf(y, oy, p.srcH, p.outH);
    for (var x = xs.x; x < xs.y; x++) {
      acc += (wy * weightOf(x, ox, p.srcW, p.outW)) * texel(vec2u(x, y));
    }
  }
  acc = clamp(acc, vec3f(0.0), vec3f(1.0));
  if (p.channels == 1u) {
    dst[o] = acc.x;
  } else {
    dst[3u * o] = acc.x;
    dst[3u * o + 1u] = acc.y;
    dst[3u * o + 2u] = acc.z;
  }
}
`;
