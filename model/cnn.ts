/**
 * The tutorial's CNN (see ../shared/reference/fashion-mnist-cnn-tutorial.txt); `classes` outputs
 * (10; fewer for a class subset, `npm run train -- --classes`).
 */
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';

export function tutorialCnn(seed = 42, classes = 10): Sequential {
  return new Sequential(
    [
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }),
      new Flatten(),
      new Dense({ units: 128, activation: 'relu' }),
      new Dense({ units: classes }),
    ],
    { seed },
  );
}
