/**
 * The tutorial's CNN (see ../shared/reference/fashion-mnist-cnn-tutorial.txt); `classes` outputs
 * (10; fewer for a class subset, `npm run train -- --classes`).
 */
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';

/**
 * What the hyperparameter search (model/tune/) varies in the same network; unset, the model is
 * exactly the tutorial's.
 */
export interface CnnRegularization {
  /** Dropout rate in [0, 1) before the hidden Dense layer (a Dropout layer only when > 0). */
  dropout?: number;
  /** L2 factor (Keras's l2, no ½) on the kernels of every Conv2D and Dense layer (none when 0). */
  l2?: number;
}

export function tutorialCnn(seed = 42, classes = 10, regularization: CnnRegularization = {}): Sequential {
  const { dropout = 0, l2 = 0 } = regularization;
  const kernelRegularizer = l2 > 0 ? { l2 } : null;
  return new Sequential(
    [
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], kernelRegularizer }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', kernelRegularizer }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', kernelRegularizer }),
      new Flatten(),
      ...(dropout > 0 ? [new Dropout({ rate: dropout })] : []),
      new Dense({ units: 128, activation: 'relu', kernelRegularizer }),
      new Dense({ units: classes, kernelRegularizer }),
    ],
    { seed },
  );
}
