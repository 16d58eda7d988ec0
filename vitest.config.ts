// Every test file; WebGPU on SwiftShader unless WEBGPU_ADAPTER or VK_ICD_FILENAMES says otherwise.
import { testConfig } from './vitest.shared.js';

export default testConfig({});
