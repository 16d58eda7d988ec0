// What every 2-D entry point declares (include/tiles.wgsl, include/blocks.wgsl,
// include/gemm-tiled.wgsl, include/gemm-subgroup.wgsl): the kernel's `struct Params` at binding 0,
// and the workgroup shape WGX x WGY as override constants, which the launch sets per adapter from
// the program's Tiling entry (the 8 x 8 here is only the default).
@group(0) @binding(0) var<uniform> p: Params;
override WGX: u32 = 8;
override WGY: u32 = 8;
