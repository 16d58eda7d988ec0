/**
 * Node only: the TensorFlow.js Layers format on disk, `dir/model.json` + `dir/weights.bin`.
 * The format itself (topology, weights manifest, conversion to and from tfjs's in-memory
 * artifacts) is model/tfjs-format.ts, which stays browser-safe; this file adds the files.
 *
 * Every file is written atomically (temp file in the same folder, then rename), weights first
 * and model.json last, so model.json is what makes a new model visible. A save killed between
 * the two leaves the new weights.bin beside the old model.json; model.json's weightsChecksum
 * (see tfjs-format.ts) makes that pair fail to load, naming both files, instead of loading the
 * old topology with the new weights (test/tfjs-format-integrity.test.ts kills a save there, with
 * write-file-atomic's stall hook).
 *
 * @module webgpu-tensor-engine/tfjs-format/node
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Sequential } from '../engine/nn/sequential.js';
import {
  MODEL_JSON, WEIGHTS_BIN, type ModelJson, type TfjsArtifacts, checkWeightsChecksum, concatBuffers, modelFromArtifacts, modelToArtifacts,
} from './tfjs-format.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Saves `model.json` and `weights.bin` into dir (created if needed); returns their paths. */
export async function saveModel(model: Sequential, dir: string): Promise<{ modelJson: string; weights: string }> {
  return writeArtifacts(await modelToArtifacts(model), dir);
}

/**
 * Writes a model's artifacts (any topology: model/saved-model.ts passes functional ones too) as
 * `model.json` and `weights.bin` into dir, atomically, weights first; returns their paths.
 */
export async function writeArtifacts({ modelJson, weightData }: TfjsArtifacts, dir: string): Promise<{ modelJson: string; weights: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { modelJson: join(dir, MODEL_JSON), weights: join(dir, WEIGHTS_BIN) };
  // Weights first: model.json, written last, is what makes the new model visible.
  await writeFileAtomic(paths.weights, new Uint8Array(weightData));
  await writeFileAtomic(paths.modelJson, `${JSON.stringify(modelJson, null, 1)}\n`);
  return paths;
}

/**
 * Loads a TensorFlow.js Layers model from dir/model.json (or a path to a .json file) and the
 * weight files its manifest names (relative to it), on the current backend.
 */
export async function loadModel(dirOrJson: string): Promise<Sequential> {
  const { artifacts, jsonPath } = await readArtifacts(dirOrJson);
  try {
    return modelFromArtifacts(artifacts);
  } catch (err) {
    throw new Error(`loadModel(${jsonPath}): ${(err as Error).message}`);
  }
}

/**
 * Reads dir/model.json (or a path to a .json file) and the weight files its manifest names, and
 * verifies the weights' checksum; errors name the files (as `loadModel: ...`).
 */
export async function readArtifacts(dirOrJson: string): Promise<{ artifacts: TfjsArtifacts; jsonPath: string }> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : join(dirOrJson, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (err) {
    throw new Error(`loadModel: cannot read ${jsonPath}: ${(err as Error).message}`);
  }
  let modelJson: ModelJson;
  try {
    modelJson = JSON.parse(text) as ModelJson;
  } catch (err) {
    throw new Error(`loadModel: ${jsonPath} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(modelJson.weightsManifest)) throw new Error(`loadModel: ${jsonPath} has no weightsManifest`);
  const base = dirname(resolve(jsonPath));
  const parts: ArrayBuffer[] = [];
  const files: string[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths ?? []) {
      const file = join(base, p);
      files.push(file);
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch (err) {
        throw new Error(`loadModel: cannot read weights file ${file} (named in ${jsonPath}): ${(err as Error).message}`);
      }
      parts.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
  }
  const weightData = concatBuffers(parts.length ? parts : [new ArrayBuffer(0)]);
  try {
    checkWeightsChecksum(modelJson, weightData, files.length ? files.join(' + ') : 'the (absent) weight files');
  } catch (err) {
    throw new Error(`loadModel(${jsonPath}): ${(err as Error).message}`);
  }
  return { artifacts: { modelJson, weightData }, jsonPath };
}
