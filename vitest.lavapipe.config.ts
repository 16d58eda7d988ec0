// The WebGPU parity and learning files again, on Mesa 25's lavapipe (`npm test`'s second run).
import { EVERY_ADAPTER_FILES, testConfig } from './vitest.shared.js';

export default testConfig({ adapter: 'lavapipe', include: EVERY_ADAPTER_FILES });
