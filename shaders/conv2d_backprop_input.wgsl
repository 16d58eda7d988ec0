// conv2dBackpropInput as an implicit GEMM: dX[M = N*inH*inW, inC] = sum over (kh, kw, oc) of
// dY[n, oh, ow, oc] * W[kh, kw, ic, oc], where oh*strideH - padTop + kh = ih. Each invocation
// computes 4 input pixels x 4 input channels in registers, no workgroup memory.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, _p0: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let ty = g / p.tilesX;
  if (ty >= p.tilesY) { return; }
  let tx = g % p.tilesX;
  let M = p.batch * p.inH * p.inW;
  let m0 = (ty * WGY + lid.y) * 4u;
  let c0 = (tx * WGX + lid.x) * 4u;
  if (m0 >= M || c0 >= p.inC) { return; }
  let ms = vec4<u32>(min(m0, M - 1u), min(m0 + 1u, M - 1u), min(m0 + 2u, M - 1u), min(m0 + 3u, M - 1u));
  let cs = vec4<u32>(min(c0, p.inC - 1u), min(c0 + 1u, p.inC - 1u), min(c0 + 2u, p.inC - 1u), min(c0 + 3u, p.inC - 1u));
  let hw = p.inH * p.inW;
  let n = ms / vec4<u32>(hw);
  let r = ms % vec4<u32>(hw);
  let ihp = vec4<i32>(r / vec4<u32>(p.inW)) + i32(p.padTop);
  let iwp = vec4<i32>(r % vec4<u32>(p.inW)) + i32(p.padLeft);
  let sH = vec4<i32>(i32(p.strideH));
  let sW = vec4<i32>(i32(p.strideW));
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kh = 0u; kh < p.kH; kh++) {
    let nh = ihp - i32(kh);
    let oh = nh / sH;
    let vh = (nh >= vec4<i32>(0)) & (nh % sH == vec4<i32>(0)) & (oh < vec4<i32>(i32(p.outH)));
    for (var kw = 0u; kw < p.kW; kw++) {
      let nw = iwp - i32(kw);
      let ow = nw / sW;
      let valid = vh & (nw >= vec4<i32>(0)) & (nw % sW == vec4<i32>(0)) & (ow < vec4<i32>(i32(p.outW)));
      let pix = (n * p.outH + vec4<u32>(max(oh, vec4<i32>(0)))) * p.outW + vec4<u32>(max(ow, vec4<i32>(0)));
      let off = select(vec4<u32>(0u), pix * p.outC, valid);
      let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
      let wk = (kh * p.kW + kw) * p.inC;
      let wr = (vec4<u32>(wk) + cs) * p.outC;
      for (var oc = 0u; oc < p.outC; oc++) {
        let wv = vec4<f32>(w[wr.x + oc], w[wr.y + oc], w[wr.z + oc], w[wr.w + oc]);
        let dv = vec4<f32>(dy[off.x + oc], dy[off.y + oc], dy[off.z + oc], dy[off.w + oc]) * mask;
        acc0 += dv.x * wv;
        acc1 += dv.y * wv;
        acc2 += dv.z * wv;
        acc3 += dv.w * wv;
      }
    }
  }
  store(m0, c0, M, acc0);
  store(m0 + 1u, c0, M, acc1);
  store(m0 + 2u, c0, M, acc2);
  store(m0 + 3u, c0, M, acc3);
}
fn store(m: u32, c0: u32, M: u32, v: vec4<f32>) {
  if (m >= M) { return; }
  let base = m * p.inC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.inC) { dx[base + c0 + j] = v[j]; }
  }
}
