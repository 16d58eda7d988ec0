/**
 * The benchmark page (bundled by esbuild in bench/browser.ts, served from localhost): reads the
 * suites, backends, batch sizes and repetitions from the URL, shows the adapter, runs the suites
 * (bench/suites.ts) with this engine and TensorFlow.js (webgpu, cpu, wasm) side by side, and shows
 * a results table, charts and a JSON download. `window.bench.run(query)` is the headless runner's
 * entry point.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { STYLE, adapterHtml, chartsHtml, resultsTableHtml, textSummary } from '../render.js';
import { parseParams, runSuites, type BenchResults, type ResultRow } from '../suites.js';

setWasmPaths('/tfjs-wasm/');

const $ = (id: string) => document.getElementById(id)!;
const gpu = (navigator as Navigator & { gpu?: GPU }).gpu ?? null;

async function showAdapter(): Promise<void> {
  if (!gpu) {
    $('adapter').textContent = 'navigator.gpu is missing: no WebGPU in this browser (Chrome needs a secure context; headless needs --enable-unsafe-webgpu).';
    return;
  }
  const a = await gpu.requestAdapter();
  if (!a) {
    $('adapter').textContent = 'requestAdapter() returned null: no WebGPU adapter.';
    return;
  }
  const i = a.info;
  $('adapter').textContent = `${i.vendor} ${i.architecture} ${i.description} (fallback: ${String((i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? 'unknown')}); full details after a run`;
}

async function run(query: string): Promise<BenchResults> {
  const params = parseParams((k) => new URLSearchParams(query).get(k));
  const rows: ResultRow[] = [];
  const status = $('status');
  status.textContent = '';
  const res = await runSuites(
    {
      gpu, tf, environment: 'browser', userAgent: navigator.userAgent,
      log: (l) => {
        console.log(l);
        status.textContent = `${l}\n${status.textContent ?? ''}`.slice(0, 4000);
      },
      onResult: (r) => {
        rows.push(r);
        $('results').innerHTML = resultsTableHtml(rows);
      },
    },
    params,
  );
  $('adapter').innerHTML = adapterHtml(res);
  $('charts').innerHTML = chartsHtml(res);
  $('results').innerHTML = resultsTableHtml(res.results);
  const a = $('download') as HTMLAnchorElement;
  a.href = URL.createObjectURL(new Blob([JSON.stringify(res, null, 1)], { type: 'application/json' }));
  a.hidden = false;
  status.textContent = textSummary(res);
  return res;
}

const style = document.createElement('style');
style.textContent = STYLE;
document.head.append(style);
const query = $('query') as HTMLInputElement;
query.value = location.search.slice(1) || 'suites=step,timeline&backends=webgpu,cpu,tfjs-webgpu&stepBatches=32&reps=3';
$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  history.replaceState(null, '', `?${query.value}`);
  void run(query.value);
});
(window as unknown as { bench: { run: typeof run } }).bench = { run };
void showAdapter();
if (new URLSearchParams(location.search).get('run') === '1') void run(location.search.slice(1));
