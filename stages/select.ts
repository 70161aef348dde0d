// select: best HPO trial per backbone and overall → outputs/best_configuration.json.
// with: hpo_dir (default outputs/hpo; every <backbone>/study.json under it), out.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defineStage } from '../src/stage-api.js';
import { findStudies, formatBestConfiguration, selectBest } from './lib/hpo/select-best.js';

export default defineStage(async (ctx) => {
  const option = (key: string, fallback: string) => {
    const value = ctx.with[key] ?? fallback;
    if (typeof value !== 'string' || value === '') throw new Error(`${ctx.stage}: with.${key} must be a non-empty string`);
    return value;
  };
  const hpoDir = option('hpo_dir', 'outputs/hpo');
  const out = option('out', 'outputs/best_configuration.json');
  const best = await selectBest(ctx.root, await findStudies(ctx.root, hpoDir));
  await mkdir(dirname(ctx.resolve(out)), { recursive: true });
  await writeFile(ctx.resolve(out), formatBestConfiguration(best));
  ctx.metric('best_objective', best.best.objective);
  ctx.log.info(`best: ${best.best.backbone} trial ${best.best.trial}, ${best.objective.metric} ${best.best.objective}`);
});
