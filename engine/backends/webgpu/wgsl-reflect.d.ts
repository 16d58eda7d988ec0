// wgsl_reflect's package.json says "type": "module" but its "main" is a CommonJS file, which
// Node cannot load as ESM; its ES module build is imported by path, typed as the package.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
