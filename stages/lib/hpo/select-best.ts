// Picks the best trial per backbone and overall from the studies' study.json files.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stableStringify } from './stable-json.js';
import { STUDY_FILE, type StudyFile, type StudyTrialRow } from './study-files.js';
import type { Hyperparameters } from '../train/types.js';
import type { TrialConfig } from './config.js';
import { toHyperparameters } from './trial-hyperparameters.js';
import { isBetter, type Params } from './types.js';

export interface BestEntry {
  readonly backbone: string;
  readonly trial: number;
  readonly objective: number;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly fixed: Readonly<Record<string, unknown>>;
  /** Exactly what the trial trained with, in the training contract's terms (final training reuses it). */
  readonly training: Hyperparameters;
  readonly modelConfig: Readonly<Record<string, unknown>>;
  readonly trialDir: string;
  readonly lineage: { readonly dataHash: string; readonly codeVersion: string; readonly study: string };
}

export interface BestConfiguration {
  readonly objective: StudyFile['objective'];
  readonly best: BestEntry;
  readonly backbones: Readonly<Record<string, BestEntry | null>>;
}

/** study.json paths (project-relative) under `hpoDir`, one per backbone directory, sorted. */
export async function findStudies(root: string, hpoDir: string): Promise<string[]> {
  const entries = await readdir(join(root, hpoDir), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = `${hpoDir}/${entry.name}/${STUDY_FILE}`;
    if (await readFile(join(root, path)).then(() => true, () => false)) found.push(path);
  }
  return found;
}

export async function selectBest(root: string, studyPaths: readonly string[]): Promise<BestConfiguration> {
  if (studyPaths.length === 0) throw new Error('select: no study.json found; run the hpo stages first');
  const studies: { path: string; study: StudyFile }[] = [];
  for (const path of studyPaths) {
    try {
      studies.push({ path, study: JSON.parse(await readFile(join(root, path), 'utf8')) as StudyFile });
    } catch (error) {
      throw new Error(`select: cannot read ${path} (${(error as Error).message})`);
    }
  }
  const objective = studies[0]!.study.objective;
  for (const { path, study } of studies) {
    if (study.objective.metric !== objective.metric || study.objective.goal !== objective.goal) {
      throw new Error(
        `select: ${path} optimises ${study.objective.goal} ${study.objective.metric} but ${studies[0]!.path} ` +
          `optimises ${objective.goal} ${objective.metric}; use one objective for every backbone`,
      );
    }
  }
  const backbones: Record<string, BestEntry | null> = {};
  let overall: BestEntry | undefined;
  for (const { path, study } of [...studies].sort((a, b) => (a.study.backbone < b.study.backbone ? -1 : 1))) {
    const best = study.best;
    const entry = best === null || best.objective === null ? null : toEntry(study, best, path);
    backbones[study.backbone] = entry;
    if (entry !== null && (overall === undefined || isBetter(entry.objective, overall.objective, objective.goal))) overall = entry;
  }
  if (overall === undefined) throw new Error(`select: no completed trial in ${studyPaths.join(', ')}`);
  return { objective, best: overall, backbones };
}

export function formatBestConfiguration(best: BestConfiguration): string {
  return stableStringify(best);
}

function toEntry(study: StudyFile, trial: StudyTrialRow, path: string): BestEntry {
  return {
    backbone: study.backbone,
    trial: trial.number,
    objective: trial.objective as number,
    hyperparameters: trial.params,
    fixed: study.lineage.fixed,
    training: toHyperparameters(trial.params as Params, study.lineage.fixed['trial'] as TrialConfig),
    modelConfig: study.lineage.modelConfig,
    trialDir: trial.dir,
    lineage: { dataHash: study.lineage.dataHash, codeVersion: study.lineage.codeVersion, study: path },
  };
}
