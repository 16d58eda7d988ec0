// `npm run test:quick`: every file but the browser and long learning ones (vitest.shared.ts).
import { SLOW_FILES, testConfig } from './vitest.shared.js';

export default testConfig({ exclude: SLOW_FILES });
