/**
 * Node only: save and load either kind of model the recipes train, a Sequential or a
 * functional Model, in the TensorFlow.js Layers format (dir/model.json + dir/weights.bin). What
 * the train and predict CLIs use. The file I/O is model/tfjs-format-node.ts's; this file adds
 * the functional topology (model/tfjs-functional.ts), which the package's ./tfjs-format/node
 * subpath leaves out so that its bundle does not carry every layer.
 */
import { Model } from '../engine/nn/functional/model.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { modelFromArtifacts, modelToArtifacts } from './tfjs-format.js';
import { readArtifacts, writeArtifacts } from './tfjs-format-node.js';
import { functionalFromArtifacts, functionalToArtifacts } from './tfjs-functional.js';

/** A model the TensorFlow.js Layers format holds. */
export type LayersModel = Sequential | Model;

/** Saves `model.json` and `weights.bin` into dir (created if needed); returns their paths. */
export async function saveLayersModel(model: LayersModel, dir: string): Promise<{ modelJson: string; weights: string }> {
  return writeArtifacts(model instanceof Model ? await functionalToArtifacts(model) : await modelToArtifacts(model), dir);
}

/** Loads a saved Sequential or functional model (its topology's class_name says which) on the current backend. */
export async function loadLayersModel(dirOrJson: string): Promise<LayersModel> {
  const { artifacts, jsonPath } = await readArtifacts(dirOrJson);
  const kind = artifacts.modelJson.modelTopology?.class_name;
  try {
    return kind === 'Functional' || kind === 'Model' ? functionalFromArtifacts(artifacts) : modelFromArtifacts(artifacts);
  } catch (err) {
    throw new Error(`loadModel(${jsonPath}): ${(err as Error).message}`);
  }
}
