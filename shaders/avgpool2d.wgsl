// avgPool2d: y[n, oh, ow, c] = the mean of the window's taps that lie inside x (padded taps are not
// counted, TensorFlow's 'same' rule). One invocation per output.
struct Params {
  n: u32, inH: u32, inW: u32, channels: u32,
  outH: u32, outW: u32, poolH: u32, poolW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let c = i % p.channels;
  let ow = (i / p.channels) % p.outW;
  let oh = (i / (p.channels * p.outW)) % p.outH;
  let b = i / (p.channels * p.outW * p.outH);
  let h0 = max(i32(oh * p.strideH) - i32(p.padTop), 0);
  let h1 = min(i32(oh * p.strideH) - i32(p.padTop) + i32(p.poolH), i32(p.inH));
  let w0 = max(i32(ow * p.strideW) - i32(p.padLeft), 0);
  let w1 = min(i32(ow * p.strideW) - i32(p.padLeft) + i32(p.poolW), i32(p.inW));
  var acc = 0.0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) {
      acc += x[((b * p.inH + u32(h)) * p.inW + u32(w)) * p.channels + c];
    }
  }
  y[i] = acc / f32((h1 - h0) * (w1 - w0));
}
