// evaluate: the trained model scored on held-out splits → entity-level metrics JSON
// (outputs/evaluation/metrics.json by default; options in stages/lib/evaluate/evaluate-stage.ts).
import { defineStage } from '../src/stage-api.js';
import { runEvaluateStage } from './lib/evaluate/evaluate-stage.js';

export default defineStage(async (ctx) => {
  await runEvaluateStage(ctx);
});
