// conv2d_grouped_backprop_input: dx of the grouped, dilated conv as a gather. One invocation per input
// element (b, ih, iw, ic) sums dy[b, oh, ow, oc] * w[kh, kw, ic - group start, oc] over the taps with
// oh*strideH - padTop + kh*dilationH = ih (likewise for w) and the output channels oc of ic's group.
struct Params {
  n: u32, batch: u32, inH: u32, inW: u32,
  inC: u32, outH: u32, outW: u32, outC: u32,
  kH: u32, kW: u32, strideH: u32, strideW: u32,
  padTop: u32, padLeft: u32, dilationH: u32, dilationW: u32,
  groups: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let ic = i % p.inC;
  let iw = (i / p.inC) % p.inW;
  let ih = (i / (p.inC * p.inW)) % p.inH;
  let b = i / (p.inC * p.inW * p.inH);
  let cig = p.inC / p.groups;
  let cog = p.outC / p.groups;
  let grp = ic / cig;
  let ci = ic % cig;
  var acc = 0.0;
  for (var kh = 0u; kh < p.kH; kh++) {
    let th = i32(ih + p.padTop) - i32(kh * p.dilationH);
    if (th < 0 || th % i32(p.strideH) != 0) { continue; }
    let oh = u32(th) / p.strideH;
    if (oh >= p.outH) { continue; }
    for (var kw = 0u; kw < p.kW; kw++) {
      let tw = i32(iw + p.padLeft) - i32(kw * p.dilationW);
      if (tw < 0 || tw % i32(p.strideW) != 0) { continue; }
      let ow = u32(tw) / p.strideW;
      if (ow >= p.outW) { continue; }
      let dp = ((b * p.outH + oh) * p.outW + ow) * p.outC + grp * cog;
      let wp = ((kh * p.kW + kw) * cig + ci) * p.outC + grp * cog;
      for (var o = 0u; o < cog; o++) { acc += dy[dp + o] * w[wp + o]; }
    }
  }
  dx[i] = acc;
}
