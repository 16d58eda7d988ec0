/**
 * The recipes `npm run train -- --recipe NAME` knows, in --help's order. Each is one file of
 * this folder: its model builder and its training settings (recipe.ts says what a recipe is).
 */
import type { Recipe } from './recipe.js';
import { regularizedRecipe } from './regularized.js';
import { resnetRecipe } from './resnet.js';
import { tutorialRecipe } from './tutorial.js';
import { vitRecipe } from './vit.js';

export type { Recipe, RecipeModel, TrainingPlan, ValidationRule } from './recipe.js';

export const RECIPES: readonly Recipe[] = [tutorialRecipe, regularizedRecipe, resnetRecipe, vitRecipe];

export const RECIPE_NAMES: readonly string[] = RECIPES.map((r) => r.name);

/** The recipe called `name`, or an error listing the valid names. */
export function recipeNamed(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe) throw new Error(`--recipe: unknown recipe '${name}' (expected one of ${RECIPE_NAMES.join(', ')})`);
  return recipe;
}

/** The recipes as --help lists them: name, what it trains, its defaults and its expected time. */
export function recipesHelp(indent = '  '): string {
  const width = Math.max(...RECIPE_NAMES.map((n) => n.length));
  return RECIPES.map((r) => {
    const validation = r.validation === 'test' ? 'validates on the test set' : 'validates on the last 5,000 training images';
    const pad = `${indent}${' '.repeat(width)}  `;
    return [
      `${indent}${r.name.padEnd(width)}  ${r.description}`,
      `${pad}batch ${r.batchSize}, at most ${r.epochs} epochs, ${validation}`,
      `${pad}expected: ${r.expectedTime}`,
    ].join('\n');
  }).join('\n');
}
