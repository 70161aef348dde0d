import type { EarlyTerminationConfig } from '../config.js';
import { createBanditPruner } from './bandit-pruner.js';
import { createMedianPruner } from './median-pruner.js';
import { neverPrune, type Pruner } from './pruner.js';

export { neverPrune, type Pruner, type PruneQuestion } from './pruner.js';

export function createPruner(config: EarlyTerminationConfig): Pruner {
  switch (config.policy) {
    case 'none':
      return neverPrune;
    case 'median':
      return createMedianPruner({
        nStartupTrials: config.n_startup_trials,
        nWarmupSteps: config.delay_evaluation,
        intervalSteps: config.evaluation_interval,
        nMinTrials: config.n_min_trials,
      });
    case 'bandit':
      return createBanditPruner({
        evaluationInterval: config.evaluation_interval,
        delayEvaluation: config.delay_evaluation,
        ...(config.slack_amount !== undefined ? { slackAmount: config.slack_amount } : {}),
        ...(config.slack_factor !== undefined ? { slackFactor: config.slack_factor } : {}),
      });
  }
}
