/**
 * What the report needs: everything the tutorial shows, filled in by the training CLI.
 */
import type { ClassificationReport } from '../metrics.js';

/** A square grayscale image, row-major, pixel values in [0, 1] (Fashion-MNIST: 28*28). */
export type GrayImage = Float32Array;

export interface LabeledImage {
  image: GrayImage;
  /** True class index. */
  label: number;
}

export interface ImagePrediction extends LabeledImage {
  /** The model's probabilities (softmax of the logits), one per class. */
  probabilities: ArrayLike<number>;
  /** Index of the image in the test set, when known (shown in captions). */
  index?: number;
}

/** Per-epoch metrics, as in Keras's `history.history`. */
export interface ReportHistory {
  loss: number[];
  accuracy: number[];
  val_loss: number[];
  val_accuracy: number[];
}

/** Facts about the run, shown in the report's "Run" table. */
export interface ReportRunFacts {
  /** Backend the model trained on, e.g. 'webgpu' or 'cpu'. */
  backend: string;
  /** Adapter description (GPU name, driver, ...) or e.g. 'CPU (typed arrays)'. */
  adapter: string;
  /** Epochs actually run (may be fewer than maxEpochs after early stopping). */
  epochsRun: number;
  /** Epoch limit given to fit (the tutorial: 20). */
  maxEpochs?: number;
  /** 1-based epoch whose weights the model kept (EarlyStopping's restore_best_weights). */
  bestEpoch?: number;
  /** Wall-clock seconds of each epoch run, in order. */
  secondsPerEpoch: number[];
  batchSize: number;
  seed?: number;
  /** When the run happened (ISO 8601 is fine). */
  date: string;
  /** Where the data came from, e.g. 'repository copy (data/fashion-mnist)'. */
  datasetSource: string;
  /** Further rows for the table (label -> value), e.g. training/test set sizes, early-stopping settings. */
  extra?: Record<string, string>;
}

/** One test image's activations at a conv layer. */
export interface FeatureMapImage extends LabeledImage {
  /** Index of the image in the test set, when known (shown in captions). */
  index?: number;
  /** The layer's output for this image, [height, width, channels] row-major (NHWC without N). */
  values: Float32Array;
}

/** The feature maps of one conv layer for a few test images. */
export interface FeatureMapSet {
  /** The layer's name, e.g. 'conv2d_1'. */
  layer: string;
  /** [height, width, channels] of its output. */
  shape: [number, number, number];
  /** What the values are, e.g. 'after ReLU'. */
  note?: string;
  images: FeatureMapImage[];
}

/** One metrics read of the training run (a "read" line of metrics.jsonl, model/metrics-log.ts). */
export interface MonitoringPoint {
  /** Optimizer steps done so far. */
  iteration: number;
  /** 0-based epoch of the read. */
  epoch: number;
  /** The learning rate of the last step. */
  learningRate?: number;
  /** The mean global L2 norm of the gradients (before clipping) over the steps of this read. */
  gradNorm?: number;
}

export interface ReportInput {
  /** Report heading (default 'Fashion-MNIST CNN: training report'). */
  title?: string;
  /** Class names, index = label (FASHION_MNIST_CLASS_NAMES). */
  classNames: readonly string[];
  /** The first training images with their labels (the tutorial shows 25; the first is the colour-bar figure). */
  trainImages: LabeledImage[];
  /** Test images with their predictions (the tutorial's 5 x 3 grid: 15). */
  testPredictions: ImagePrediction[];
  /** The tutorial's single-image prediction (it uses test image 1). */
  singlePrediction: ImagePrediction;
  history: ReportHistory;
  /** model.evaluate on the test set. */
  test: { loss: number; accuracy: number };
  /** Confusion matrix on the test set, rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
  /** Per-class precision/recall/F1 (model/metrics.ts classificationReport). */
  classificationReport: ClassificationReport;
  /** model.summary() text. */
  modelSummary: string;
  run: ReportRunFacts;
  /** The feature maps of every conv layer for a few test images (a figure per layer), when given. */
  featureMaps?: FeatureMapSet[];
  /**
   * The learning-rate and gradient-norm curves, one point per metrics read (from metrics.jsonl):
   * a figure each (keys 'learningRate' and 'gradNorm') when some point has the value.
   */
  monitoring?: MonitoringPoint[];
}

export interface WrittenReport {
  /** Absolute path of report.html. */
  htmlPath: string;
  /** Figure key (see REPORT_FIGURES) -> absolute path of its PNG. */
  figures: Record<string, string>;
  /** Warnings from vega-lite/vega while drawing the figures (none expected). */
  warnings: string[];
}
