// maxPool2dBackward as a gather: each input element sums dy over the windows that contain it
// and recorded it as their argmax (no float atomics needed, overlapping windows are summed).
struct Params {
  n: u32, inH: u32, inW: u32, channels: u32,
  outH: u32, outW: u32, poolH: u32, poolW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let c = i % p.channels;
  let pix = i / p.channels;
  let iw = i32(pix % p.inW);
  let ih = i32((pix / p.inW) % p.inH);
  let b = pix / (p.inW * p.inH);
  let sH = i32(p.strideH);
  let sW = i32(p.strideW);
  // Windows oh with oh*sH - padTop <= ih <= oh*sH - padTop + poolH - 1.
  let nh = ih + i32(p.padTop);
  let nw = iw + i32(p.padLeft);
  let loHn = nh - i32(p.poolH) + 1;
  let loWn = nw - i32(p.poolW) + 1;
  let ohLo = select(0, (loHn + sH - 1) / sH, loHn > 0);
  let owLo = select(0, (loWn + sW - 1) / sW, loWn > 0);
  let ohHi = min(i32(p.outH) - 1, nh / sH);
  let owHi = min(i32(p.outW) - 1, nw / sW);
  var acc = 0.0;
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let o = ((b * p.outH + u32(oh)) * p.outW + u32(ow)) * p.channels + c;
      if (argmax[o] == i32(i)) { acc += dy[o]; }
    }
  }
  dx[i] = acc;
}
