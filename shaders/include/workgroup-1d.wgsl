// What every 1-D entry point declares (include/thread.wgsl, include/reduce-group.wgsl): the
// kernel's `struct Params` at binding 0, and the workgroup size WG as an override constant, which
// the launch sets per adapter from the program's Tiling entry (64 is only the default).
@group(0) @binding(0) var<uniform> p: Params;
override WG: u32 = 64;
