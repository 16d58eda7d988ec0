/**
 * The CPU backend's module, loaded when it is first needed (init's 'cpu' and 'auto', fit's
 * onDeviceLost: 'cpu'). The main entry does not import it statically, so the single-file
 * dist/engine.min.js does not carry it: its build points this import at dist/engine-cpu.min.js,
 * the bundle of the ./cpu subpath beside it (scripts/build.mjs). Everything else imports
 * cpu-backend.ts as usual.
 */
export type CpuBackendModule = typeof import('./cpu-backend.js');

let loading: Promise<CpuBackendModule> | undefined;

/** The CPU backend's module, imported once per realm; `where` names the caller in the error. */
export function loadCpuBackend(where: string): Promise<CpuBackendModule> {
  loading ??= import('./cpu-backend.js').catch((e: unknown) => {
    loading = undefined; // a later call tries again
    throw new Error(
      `${where}: could not load the CPU backend's module (with the single-file bundle, dist/engine-cpu.min.js must be served beside engine.min.js): ${(e as Error)?.message ?? String(e)}`,
    );
  });
  return loading;
}
