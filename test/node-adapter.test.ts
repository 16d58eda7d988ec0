/**
 * The software WebGPU adapter of a Node process (node/webgpu-adapter.ts, node/webgpu.ts). `npm test`
 * runs this file once per driver: on SwiftShader, and on lavapipe (vitest.lavapipe.config.ts). Each
 * run checks that Dawn really gives the driver the run asked for, so a lavapipe run cannot pass
 * on SwiftShader unnoticed, and that it fails, not skips, without an adapter.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAVAPIPE_ICD, adapterEnv, applyAdapterEnv, requestedAdapter } from '../node/webgpu-adapter.js';
import { nodeDriver, nodeGPU } from '../node/webgpu.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const expected = process.env.WEBGPU_ADAPTER ?? 'swiftshader';

describe(`this process's adapter (${expected})`, () => {
  it('is the driver asked for, and Dawn finds an adapter on it', async () => {
    const adapter = await nodeGPU().requestAdapter();
    expect(adapter, `Dawn found no adapter on ${process.env.VK_ICD_FILENAMES}`).not.toBeNull();
    expect(nodeDriver()?.name).toBe(expected);
    const info = adapter!.info;
    console.log(`node adapter: ${nodeDriver()?.name}: ${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
    if (expected === 'lavapipe') {
      expect(info.vendor).toBe('mesa');
      expect(info.description).toMatch(/^llvmpipe: Mesa 25\./);
    } else {
      expect(info.architecture).toBe('swiftshader');
    }
  });

  it("loads only this driver's library, with lavapipe's own libdrm when the process started with its LD_LIBRARY_PATH", async () => {
    await nodeGPU().requestAdapter();
    const libs = new Set(readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((p) => p.endsWith('.so') || /\.so\./.test(p)));
    const loaded = (re: RegExp) => [...libs].filter((p) => re.test(p));
    const lvpDir = expected === 'lavapipe' ? adapterEnv('lavapipe').LD_LIBRARY_PATH.split(':')[0] : null;
    if (lvpDir) {
      expect(loaded(/libvulkan_lvp\.so$/)).toEqual([`${lvpDir}/libvulkan_lvp.so`]);
      expect(loaded(/vk_swiftshader/)).toEqual([]);
      // The test run starts this process with LD_LIBRARY_PATH (vitest.shared.ts): the dynamic linker
      // then takes the libdrm that the pinned Mesa declares, not the system's older one.
      expect(loaded(/libdrm\.so/)).toEqual([expect.stringMatching(new RegExp(`^${lvpDir}/libdrm\\.so\\.2\\.`))]);
    } else {
      expect(loaded(/libvk_swiftshader\.so$/)).toHaveLength(1);
      expect(loaded(/libvulkan_lvp/)).toEqual([]);
    }
  });

  it("refuses a second driver in the same process, naming both", () => {
    const other = expected === 'lavapipe' ? 'swiftshader' : 'lavapipe';
    nodeGPU();
    expect(() => nodeGPU({ adapter: other })).toThrow(
      new RegExp(`nodeGPU\\(\\{ adapter: '${other}' \\}\\): this process already runs Dawn on '${expected}'.*one driver per process`),
    );
    expect(nodeGPU({ adapter: expected as 'swiftshader' | 'lavapipe' })).toBe(nodeGPU());
  });
});

// The selection rules, on a separate environment object (process.env is left alone).
describe('applyAdapterEnv', () => {
  it('sets VK_ICD_FILENAMES, NODEVICE_SELECT and, for lavapipe, LD_LIBRARY_PATH with its folder first', () => {
    const env: NodeJS.ProcessEnv = { WEBGPU_ADAPTER: 'lavapipe', LD_LIBRARY_PATH: '/opt/a' };
    expect(applyAdapterEnv(undefined, env)).toEqual({ name: 'lavapipe', icd: LAVAPIPE_ICD });
    const library = (JSON.parse(readFileSync(LAVAPIPE_ICD, 'utf8')) as { ICD: { library_path: string } }).ICD.library_path;
    expect(env).toMatchObject({ VK_ICD_FILENAMES: LAVAPIPE_ICD, NODEVICE_SELECT: '1', LD_LIBRARY_PATH: `${dirname(library)}:/opt/a` });
    // Applied again (a forked process inherits it), the folder is not added twice.
    applyAdapterEnv(undefined, env);
    expect(env.LD_LIBRARY_PATH).toBe(`${dirname(library)}:/opt/a`);
  });

  it('defaults to SwiftShader, the option wins over WEBGPU_ADAPTER, and a set VK_ICD_FILENAMES is kept', () => {
    const empty: NodeJS.ProcessEnv = {};
    expect(applyAdapterEnv(undefined, empty)).toEqual({ name: 'swiftshader', icd: SWIFTSHADER_ICD });
    expect(empty.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
    expect(applyAdapterEnv('swiftshader', { WEBGPU_ADAPTER: 'lavapipe' }).name).toBe('swiftshader');
    const custom: NodeJS.ProcessEnv = { VK_ICD_FILENAMES: '/opt/gpu/icd.json' };
    expect(applyAdapterEnv(undefined, custom)).toEqual({ name: 'custom', icd: '/opt/gpu/icd.json' });
    expect(custom.VK_ICD_FILENAMES).toBe('/opt/gpu/icd.json');
  });

  it('gives a clear error when the process is already fixed to another driver', () => {
    expect(() => applyAdapterEnv(undefined, { WEBGPU_ADAPTER: 'lavapipe', VK_ICD_FILENAMES: SWIFTSHADER_ICD })).toThrow(
      `WebGPU adapter 'lavapipe' was asked for (WEBGPU_ADAPTER), but this process's VK_ICD_FILENAMES is already ${SWIFTSHADER_ICD} ('swiftshader'). ` +
        'The Vulkan loader reads its driver once per process',
    );
    expect(() => applyAdapterEnv('swiftshader', { VK_ICD_FILENAMES: LAVAPIPE_ICD })).toThrow(/'swiftshader' was asked for \(nodeGPU option\).*already .*\('lavapipe'\)/);
  });

  it('names the variable and the choices for an unknown adapter', () => {
    expect(() => requestedAdapter(undefined, { WEBGPU_ADAPTER: 'llvmpipe' })).toThrow("WEBGPU_ADAPTER must be swiftshader or lavapipe, got 'llvmpipe'");
    expect(() => applyAdapterEnv('metal' as 'lavapipe', {})).toThrow("nodeGPU's adapter option must be swiftshader or lavapipe, got 'metal'");
  });
});
