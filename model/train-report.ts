/**
 * Turns a finished training run into the report's input (the tutorial's figures, for any
 * recipe) and writes it. The report's run table names the recipe and which data validated.
 */
import { join } from 'node:path';
import { softmax } from './metrics.js';
import { METRICS_LOG_FILE, monitoringFromLog, readMetricsLog } from './metrics-log.js';
import { convFeatureMaps, writeReport, type ReportInput, type WrittenReport } from './report/index.js';
import type { TrainResult } from './train.js';

const PIXELS = 28 * 28;

export function reportInputFrom(r: TrainResult, settings: { batchSize: number; seed: number; maxEpochs: number }): ReportInput {
  const { data } = r;
  const classes = data.classNames.length;
  const image = (split: typeof data.train, i: number) => split.images.slice(i * PIXELS, (i + 1) * PIXELS);
  const prediction = (i: number) => ({
    image: image(data.test, i),
    label: data.test.labels[i],
    probabilities: softmax(r.testLogits.subarray(i * classes, (i + 1) * classes)),
    index: i,
  });
  const h = r.history.history;
  const { splits } = r;
  return {
    title: r.recipe.name === 'tutorial' ? undefined : `Fashion-MNIST, recipe ${r.recipe.name}: training report`,
    classNames: data.classNames,
    trainImages: Array.from({ length: Math.min(25, data.train.count) }, (_, i) => ({ image: image(data.train, i), label: data.train.labels[i] })),
    // The tutorial plots the first 15 test images and then test image 1 on its own.
    testPredictions: Array.from({ length: Math.min(15, data.test.count) }, (_, i) => prediction(i)),
    singlePrediction: prediction(Math.min(1, data.test.count - 1)),
    history: { loss: h.loss ?? [], accuracy: h.accuracy ?? [], val_loss: h.val_loss ?? [], val_accuracy: h.val_accuracy ?? [] },
    test: r.test,
    confusionMatrix: r.report.confusion,
    classificationReport: r.report,
    modelSummary: r.model.summary(null),
    run: {
      backend: r.backend.name,
      adapter: r.backend.describe(),
      epochsRun: r.epochsRun,
      maxEpochs: settings.maxEpochs,
      bestEpoch: r.bestEpoch + 1,
      secondsPerEpoch: r.secondsPerEpoch,
      batchSize: settings.batchSize,
      seed: settings.seed,
      date: new Date().toISOString(),
      datasetSource: `${data.source.origin} (${data.source.dir}); ${splits.validationSource === 'holdout'
        ? `${splits.train.count + splits.validation.count} training images (the last ${splits.validation.count} held out)`
        : `${data.train.count} training images`} and ${data.test.count} test images`,
      extra: {
        Recipe: `${r.recipe.name}: ${r.recipe.description}`,
        'Validation data (val_ curves, EarlyStopping)': splits.description,
        'Trained on': `${splits.train.count} training images${r.recipe.augment ? `, augmented on the device (${JSON.stringify(r.recipe.augment)})` : ''}`,
        ...(r.recipe.labelSmoothing > 0 ? { 'Label smoothing': `${r.recipe.labelSmoothing} (every loss shown, test loss too, is the smoothed one, as Keras reports it)` } : {}),
        'Test data': splits.validationSource === 'test'
          ? `${data.test.count} test images, also the validation data (the tutorial's rule)`
          : `${data.test.count} test images, evaluated once, after training, never used to validate`,
        'Early stopping': `on ${r.recipe.monitor}, patience ${r.settings.patience}, restoring the best epoch's weights`,
      },
    },
  };
}

/** Test images whose conv feature maps the report shows. */
export const FEATURE_MAP_IMAGES = 3;

/** The report's input with what is read after training: the feature maps, and the monitoring curves from `outDir`'s metrics log. */
export async function trainingReportInput(
  r: TrainResult,
  settings: { batchSize: number; seed: number; maxEpochs: number },
  outDir: string,
): Promise<ReportInput> {
  const input = reportInputFrom(r, settings);
  const shown = Array.from({ length: Math.min(FEATURE_MAP_IMAGES, r.data.test.count) }, (_, i) => ({
    image: r.data.test.images.slice(i * PIXELS, (i + 1) * PIXELS), label: r.data.test.labels[i], index: i,
  }));
  input.featureMaps = await convFeatureMaps(r.model, shown);
  // The learning-rate and gradient-norm curves come from the run's metrics log.
  input.monitoring = monitoringFromLog(readMetricsLog(join(outDir, METRICS_LOG_FILE)));
  return input;
}

export async function writeTrainingReport(
  r: TrainResult,
  settings: { batchSize: number; seed: number; maxEpochs: number },
  outDir: string,
): Promise<WrittenReport> {
  return writeReport(await trainingReportInput(r, settings, outDir), join(outDir, 'report'));
}
