import type { Hyperparameters } from './types.js';

/** Learning rate for 1-based `step` of `totalSteps`: linear warmup, then the chosen decay. */
export function learningRateAt(step: number, totalSteps: number, hyper: Pick<Hyperparameters, 'learningRate' | 'warmupRatio' | 'schedule'>): number {
  const peak = hyper.learningRate;
  const warmup = Math.round(hyper.warmupRatio * totalSteps);
  if (step <= warmup) return (peak * step) / warmup;
  if (hyper.schedule === 'constant') return peak;
  // +1 keeps the last step's rate above zero, so no step is wasted.
  const progress = (step - warmup) / (totalSteps - warmup + 1);
  return hyper.schedule === 'linear' ? peak * (1 - progress) : peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}
