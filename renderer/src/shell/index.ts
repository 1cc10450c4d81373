import { shellContribution } from './contribution.js';
import { installFeatures, type FeatureContribution } from './registry.js';

export { App } from './App.js';

/** Called once by the app root with features/index.ts's list, before the first render. */
export const installShell = (features: readonly FeatureContribution[]): void =>
  installFeatures([shellContribution, ...features]);
