// maxPool2d: y[n, oh, ow, c] = max over the window, and argmax = the flat NHWC index in x of the
// first maximum (row-major window order, TensorFlow's convention). Padded positions are skipped.
struct Params {
  n: u32, inH: u32, inW: u32, channels: u32,
  outH: u32, outW: u32, poolH: u32, poolW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<i32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let c = i % p.channels;
  let pix = i / p.channels;
  let ow = pix % p.outW;
  let oh = (pix / p.outW) % p.outH;
  let b = pix / (p.outW * p.outH);
  let ih0 = i32(oh * p.strideH) - i32(p.padTop);
  let iw0 = i32(ow * p.strideW) - i32(p.padLeft);
  var best = -3.402823e38;
  var at = -1;
  for (var ph = 0u; ph < p.poolH; ph++) {
    let ih = ih0 + i32(ph);
    if (ih < 0 || ih >= i32(p.inH)) { continue; }
    for (var pw = 0u; pw < p.poolW; pw++) {
      let iw = iw0 + i32(pw);
      if (iw < 0 || iw >= i32(p.inW)) { continue; }
      let idx = ((b * p.inH + u32(ih)) * p.inW + u32(iw)) * p.channels + c;
      let v = x[idx];
      if (at < 0 || v > best) { best = v; at = i32(idx); }
    }
  }
  y[i] = best;
  argmax[i] = at;
}
