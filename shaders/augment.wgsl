// augment: one invocation per output element of NHWC images [N, H, W, C]. The draws and the
// inverse mapping are engine/backends/cpu/augment.ts's, step for step: per sample a shift, flip
// and angle from counterBits(sampleKey, 8b + k), bilinear sampling with zeros outside, zero inside
// the sample's cutout square (its centre from 8b + 5 and 8b + 6), then the brightness offset,
// then Irwin-Hall noise from counterBits(noiseKey, 2i) and (2i + 1).
// Sin and cos are polynomials (|angle| <= π/4): WGSL's builtins may be off by 2^-11.
#include "include/elements.wgsl"
#include "include/counter-hash.wgsl"
struct Params {
  n: u32, height: u32, width: u32, channels: u32,
  sampleKey: u32, noiseKey: u32, maxShift: u32, flip: u32,
  maxRotation: f32, brightness: f32, noiseScale: f32, cutout: u32,
}
#storage(1) read x: f32, read_write y: f32

// The top 24 bits as a uniform in [0, 1), exact in f32.
fn unit24(bits: u32) -> f32 { return f32(bits >> 8u) / 16777216.0; }

// An integer in [0, n) from the top 16 bits (n < 65536).
fn indexOf(bits: u32, n: u32) -> i32 { return i32(((bits >> 16u) * n) >> 16u); }

// An integer in [-maxShift, maxShift] from the top 16 bits.
fn shiftOf(bits: u32) -> f32 {
  return f32(i32(((bits >> 16u) * (2u * p.maxShift + 1u)) >> 16u) - i32(p.maxShift));
}

fn sinSmall(t: f32) -> f32 {
  let t2 = t * t;
  return t * (1.0 - (t2 / 6.0) * (1.0 - (t2 / 20.0) * (1.0 - (t2 / 42.0) * (1.0 - t2 / 72.0))));
}

fn cosSmall(t: f32) -> f32 {
  let t2 = t * t;
  return 1.0 - (t2 / 2.0) * (1.0 - (t2 / 12.0) * (1.0 - (t2 / 30.0) * (1.0 - (t2 / 56.0) * (1.0 - t2 / 90.0))));
}

fn tap(base: u32, yy: i32, xx: i32, c: u32) -> f32 {
  if (yy < 0 || yy >= i32(p.height) || xx < 0 || xx >= i32(p.width)) { return 0.0; }
  return x[base + (u32(yy) * p.width + u32(xx)) * p.channels + c];
}

fn element(i: u32) {
  let c = i % p.channels;
  let pixel = i / p.channels;
  let xo = pixel % p.width;
  let row = pixel / p.width;
  let yo = row % p.height;
  let b = row / p.height;
  let base = b * p.height * p.width * p.channels;
  let shiftY = shiftOf(counterBits(p.sampleKey, 8u * b));
  let shiftX = shiftOf(counterBits(p.sampleKey, 8u * b + 1u));
  let flipped = p.flip != 0u && (counterBits(p.sampleKey, 8u * b + 2u) >> 31u) == 1u;
  var cs = 1.0;
  var sn = 0.0;
  if (p.maxRotation > 0.0) {
    let angle = p.maxRotation * (2.0 * unit24(counterBits(p.sampleKey, 8u * b + 3u)) - 1.0);
    cs = cosSmall(angle);
    sn = sinSmall(angle);
  }
  let cy = 0.5 * f32(p.height - 1u);
  let cx = 0.5 * f32(p.width - 1u);
  let dy = f32(yo) - cy;
  let dx = f32(xo) - cx;
  let sy = cs * dy - sn * dx + cy - shiftY;
  var sx = sn * dy + cs * dx + cx - shiftX;
  if (flipped) { sx = f32(p.width - 1u) - sx; }
  let y0f = floor(sy);
  let x0f = floor(sx);
  let fy = sy - y0f;
  let fx = sx - x0f;
  let y0 = i32(y0f);
  let x0 = i32(x0f);
  let top = tap(base, y0, x0, c) * (1.0 - fx) + tap(base, y0, x0 + 1, c) * fx;
  let bottom = tap(base, y0 + 1, x0, c) * (1.0 - fx) + tap(base, y0 + 1, x0 + 1, c) * fx;
  var v = top * (1.0 - fy) + bottom * fy;
  if (p.cutout > 0u) {
    let half = i32(p.cutout >> 1u);
    // (ry, rx): the pixel's place in the square, whose first row and column may be negative.
    let ry = i32(yo) - (indexOf(counterBits(p.sampleKey, 8u * b + 5u), p.height) - half);
    let rx = i32(xo) - (indexOf(counterBits(p.sampleKey, 8u * b + 6u), p.width) - half);
    if (ry >= 0 && ry < i32(p.cutout) && rx >= 0 && rx < i32(p.cutout)) { v = 0.0; }
  }
  if (p.brightness > 0.0) {
    v += p.brightness * (2.0 * unit24(counterBits(p.sampleKey, 8u * b + 4u)) - 1.0);
  }
  if (p.noiseScale > 0.0) {
    let h1 = counterBits(p.noiseKey, 2u * i);
    let h2 = counterBits(p.noiseKey, 2u * i + 1u);
    let units = i32((h1 & 0xffffu) + (h1 >> 16u) + (h2 & 0xffffu) + (h2 >> 16u)) - 131072;
    v += f32(units) * p.noiseScale;
  }
  y[i] = v;
}
