/**
 * Which software Vulkan driver Dawn (the `webgpu` package) uses in this Node process:
 * `swiftshader` (Chromium's, the default) or `lavapipe` (Mesa 25, unpacked by scripts/setup.sh into
 * .cache/lavapipe). Chosen with the `adapter` option of nodeGPU() or WEBGPU_ADAPTER.
 *
 * The Vulkan loader takes its driver from VK_ICD_FILENAMES once, when Dawn creates its instance, so
 * one process means one driver. What works where (checked on Debian 12, Node 20):
 * - VK_ICD_FILENAMES and NODEVICE_SELECT are read with getenv() when the instance is created, so
 *   setting them in process.env before nodeGPU()'s first call works (main thread and forked
 *   processes; not worker threads, whose process.env is a copy).
 * - LD_LIBRARY_PATH is read by the dynamic linker only when the process starts: set later, it does
 *   not change where dlopen() finds libvulkan_lvp.so's libdrm.so.2 (/proc/self/maps shows the
 *   system's 2.4.114), it only reaches child processes. The test runs therefore start their
 *   processes with this whole environment (vitest.shared.ts applies adapterEnv() before any fork);
 *   a CLI that selects lavapipe in-process gets the system libdrm, which scripts/setup.sh checks
 *   resolves every symbol lavapipe uses (`ldd -r`).
 * Kept apart from node/webgpu.ts so the vitest configs can use it without loading Dawn.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_ADAPTERS = ['swiftshader', 'lavapipe'] as const;
export type NodeAdapterName = (typeof NODE_ADAPTERS)[number];

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Written by scripts/setup.sh. */
export const LAVAPIPE_ICD = fileURLToPath(new URL('../.cache/lavapipe/lvp_icd.json', import.meta.url));

/** The driver a process runs on: a named one, or whatever VK_ICD_FILENAMES / the system gives. */
export interface NodeDriver {
  name: NodeAdapterName | 'custom' | 'system';
  /** The ICD json the Vulkan loader reads, or null for the loader's own search (real GPU drivers). */
  icd: string | null;
}

export function parseAdapterName(value: string, where: string): NodeAdapterName {
  if ((NODE_ADAPTERS as readonly string[]).includes(value)) return value as NodeAdapterName;
  throw new Error(`${where} must be ${NODE_ADAPTERS.join(' or ')}, got '${value}'`);
}

/** The adapter asked for: the option, else WEBGPU_ADAPTER, else none. */
export function requestedAdapter(option?: NodeAdapterName, env: NodeJS.ProcessEnv = process.env): NodeAdapterName | undefined {
  if (option !== undefined) return parseAdapterName(option, "nodeGPU's adapter option");
  const v = env.WEBGPU_ADAPTER;
  return v ? parseAdapterName(v, 'WEBGPU_ADAPTER') : undefined;
}

/**
 * The variables that select one driver. LD_LIBRARY_PATH (lavapipe) takes effect only in a
 * process started with it; the existing value is kept after the driver's folder.
 */
export function adapterEnv(name: NodeAdapterName, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (name === 'swiftshader') {
    if (!existsSync(SWIFTSHADER_ICD)) {
      throw new Error(`WebGPU adapter 'swiftshader': ${SWIFTSHADER_ICD} is missing; run bash scripts/setup.sh (it installs chromium, which ships SwiftShader)`);
    }
    return { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  }
  if (!existsSync(LAVAPIPE_ICD)) {
    throw new Error(`WebGPU adapter 'lavapipe': ${LAVAPIPE_ICD} is missing; run bash scripts/setup.sh (it unpacks Mesa 25's lavapipe there)`);
  }
  const library = (JSON.parse(readFileSync(LAVAPIPE_ICD, 'utf8')) as { ICD?: { library_path?: string } }).ICD?.library_path;
  if (!library || !existsSync(library)) {
    throw new Error(`WebGPU adapter 'lavapipe': ${LAVAPIPE_ICD} names library '${library}', which does not exist; run bash scripts/setup.sh again`);
  }
  const libDir = dirname(library);
  const old = (env.LD_LIBRARY_PATH ?? '').split(':').filter((p) => p && p !== libDir);
  return { VK_ICD_FILENAMES: LAVAPIPE_ICD, LD_LIBRARY_PATH: [libDir, ...old].join(':') };
}

function nameOf(icd: string): NodeDriver['name'] {
  return icd === SWIFTSHADER_ICD ? 'swiftshader' : icd === LAVAPIPE_ICD ? 'lavapipe' : 'custom';
}

/**
 * Resolves the driver for this process and writes its variables into `env` (process.env by
 * default). Asked for a driver while VK_ICD_FILENAMES already names another, it throws: the
 * process was started for that other driver. Asked for none, it keeps a VK_ICD_FILENAMES that is
 * set, else takes SwiftShader when installed, else leaves the loader to the system's drivers.
 */
export function applyAdapterEnv(option?: NodeAdapterName, env: NodeJS.ProcessEnv = process.env): NodeDriver {
  const asked = requestedAdapter(option, env);
  // Mesa's device-select layer otherwise warns "XDG_RUNTIME_DIR is invalid" on these machines.
  env.NODEVICE_SELECT ??= '1';
  const fixed = env.VK_ICD_FILENAMES;
  if (asked === undefined) {
    if (fixed) return { name: nameOf(fixed), icd: fixed };
    if (!existsSync(SWIFTSHADER_ICD)) return { name: 'system', icd: null };
  }
  const name = asked ?? 'swiftshader';
  const vars = adapterEnv(name, env);
  if (fixed && fixed !== vars.VK_ICD_FILENAMES) {
    throw new Error(
      `WebGPU adapter '${name}' was asked for (${option !== undefined ? 'nodeGPU option' : 'WEBGPU_ADAPTER'}), ` +
        `but this process's VK_ICD_FILENAMES is already ${fixed} ('${nameOf(fixed)}'). The Vulkan loader reads its driver once per process: ` +
        `unset VK_ICD_FILENAMES, or run '${name}' in a process of its own (WEBGPU_ADAPTER=${name} npm run ...)`,
    );
  }
  Object.assign(env, vars);
  return { name, icd: vars.VK_ICD_FILENAMES };
}
