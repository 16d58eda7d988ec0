/**
 * Writes a sample report (real Fashion-MNIST images, made-up predictions and history) to look at:
 *
 *   npx tsx model/report/demo.ts OUTDIR
 */
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { writeReport } from './index.js';
import { sampleReportInput } from './sample.js';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: npx tsx model/report/demo.ts OUTDIR');
  process.exit(2);
}
const t0 = performance.now();
const data = loadFashionMnist({ limit: { train: 25, test: 20 } });
const { htmlPath, figures, warnings } = await writeReport(sampleReportInput(data), outDir);
for (const w of warnings) console.warn(`warning: ${w}`);
console.log(`report: ${htmlPath}`);
for (const [key, path] of Object.entries(figures)) console.log(`  ${key.padEnd(17)} ${path}`);
console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
