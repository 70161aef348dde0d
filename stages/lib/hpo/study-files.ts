// A finished study's files: study.json (the table select reads), report.md and two SVG plots.
// They hold only what the inputs decide; trial durations are run info (see hpo-stage.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderBarChart } from '../report/bar-chart.js';
import { renderXyChart, type XyPoint } from '../report/xy-chart.js';
import type { EarlyTerminationConfig, ObjectiveConfig, SamplingConfig, SearchSpace } from './config.js';
import { IMPORTANCE_METHOD, parameterImportance } from './importance.js';
import { stableStringify } from './stable-json.js';
import type { StudyResult } from './study.js';
import { isBetter, type Params, type TrialRecord } from './types.js';

export interface StudyLineage {
  /** SHA-256 of the dataset files. */
  readonly dataHash: string;
  /** SHA-256 of the training code. */
  readonly codeVersion: string;
  readonly modelConfig: Readonly<Record<string, unknown>>;
  /** Hyperparameters every trial shared (trial.defaults, epochs, patience, seed). */
  readonly fixed: Readonly<Record<string, unknown>>;
}

export interface StudyFileInput {
  readonly dir: string;
  /** Project-relative path of `dir`, used for trial paths in the files. */
  readonly relativeDir: string;
  readonly backbone: string;
  readonly space: SearchSpace;
  readonly sampling: SamplingConfig;
  readonly earlyTermination: EarlyTerminationConfig;
  readonly objective: ObjectiveConfig;
  readonly lineage: StudyLineage;
  readonly result: StudyResult;
}

export interface StudyTrialRow {
  readonly number: number;
  readonly params: Params;
  readonly objective: number | null;
  readonly state: string;
  readonly lastStep: number | null;
  readonly dir: string;
  readonly intermediate: readonly { step: number; value: number }[];
  readonly error?: string;
}

export interface StudyFile {
  readonly backbone: string;
  readonly objective: ObjectiveConfig;
  readonly sampling: SamplingConfig;
  readonly earlyTermination: EarlyTerminationConfig;
  readonly searchSpace: SearchSpace;
  readonly lineage: StudyLineage;
  readonly stoppedBy: string;
  readonly best: StudyTrialRow | null;
  readonly importance: { readonly method: string; readonly values: Readonly<Record<string, number>> };
  readonly trials: readonly StudyTrialRow[];
}

export const STUDY_FILE = 'study.json';

export function trialDirName(number: number): string {
  return `trial_${number}`;
}

export async function writeStudyFiles(input: StudyFileInput): Promise<StudyFile> {
  const row = (t: TrialRecord): StudyTrialRow => ({
    number: t.number,
    params: t.params,
    objective: t.value,
    state: t.state,
    lastStep: t.lastStep,
    dir: `${input.relativeDir}/${trialDirName(t.number)}`,
    intermediate: t.intermediate,
    ...(t.error !== undefined ? { error: t.error } : {}),
  });
  const importance = parameterImportance(input.space, input.result.trials);
  const study: StudyFile = {
    backbone: input.backbone,
    objective: input.objective,
    sampling: input.sampling,
    earlyTermination: input.earlyTermination,
    searchSpace: input.space,
    lineage: input.lineage,
    stoppedBy: input.result.stoppedBy,
    best: input.result.best === undefined ? null : row(input.result.best),
    importance: { method: IMPORTANCE_METHOD, values: importance },
    trials: input.result.trials.map(row),
  };
  await mkdir(input.dir, { recursive: true });
  await writeFile(join(input.dir, STUDY_FILE), stableStringify(study));
  await writeFile(join(input.dir, 'objective-by-trial.svg'), objectiveChart(study));
  await writeFile(
    join(input.dir, 'param-importance.svg'),
    renderBarChart({
      title: `Parameter importance (${input.backbone})`,
      bars: Object.entries(importance)
        .sort(([, a], [, b]) => b - a)
        .map(([label, value]) => ({ label, value })),
    }),
  );
  await writeFile(join(input.dir, 'report.md'), reportMarkdown(study));
  return study;
}

const STATE_COLORS: Readonly<Record<string, string>> = { complete: '#1f77b4', pruned: '#ff7f0e', failed: '#d62728' };

function objectiveChart(study: StudyFile): string {
  const scored = study.trials.filter((t) => t.objective !== null);
  const bestSoFar: XyPoint[] = [];
  let best: number | undefined;
  for (const t of study.trials) {
    if (t.state === 'complete' && t.objective !== null && (best === undefined || isBetter(t.objective, best, study.objective.goal))) best = t.objective;
    if (best !== undefined) bestSoFar.push({ x: t.number, y: best });
  }
  return renderXyChart({
    title: `${study.objective.metric} by trial (${study.backbone})`,
    xLabel: 'trial',
    yLabel: study.objective.metric,
    series: [
      {
        name: 'trial (pruned: orange)',
        style: 'markers',
        points: scored.map((t) => ({
          x: t.number,
          y: t.objective as number,
          color: STATE_COLORS[t.state] ?? '#7f7f7f',
          label: `trial ${t.number} ${t.state}: ${t.objective}`,
        })),
      },
      { name: 'best so far', style: 'step', color: '#2ca02c', points: bestSoFar },
    ],
  });
}

function reportMarkdown(study: StudyFile): string {
  const names = Object.keys(study.searchSpace);
  const fmt = (v: unknown) => (typeof v === 'number' ? Number.parseFloat(v.toPrecision(4)).toString() : String(v));
  const counts = ['complete', 'pruned', 'failed'].map((s) => `${study.trials.filter((t) => t.state === s).length} ${s}`);
  const lines = [
    `# HPO study: ${study.backbone}`,
    '',
    `Objective: ${study.objective.goal} ${study.objective.metric}. Sampler: ${study.sampling.algorithm} (seed ${study.sampling.seed}). ` +
      `Early termination: ${study.earlyTermination.policy}. Trials: ${study.trials.length} (${counts.join(', ')}); stopped by ${study.stoppedBy}.`,
    '',
    study.best === null
      ? 'No trial completed.'
      : `Best: trial ${study.best.number}, ${study.objective.metric} ${fmt(study.best.objective)} with ` +
        names.map((n) => `${n}=${fmt(study.best?.params[n])}`).join(', ') + '.',
    '',
    '![objective by trial](objective-by-trial.svg)',
    '',
    '## Trials',
    '',
    `| trial | ${names.join(' | ')} | ${study.objective.metric} | state | last step |`,
    `|---|${names.map(() => '---').join('|')}|---|---|---|`,
    ...study.trials.map(
      (t) =>
        `| ${t.number} | ${names.map((n) => fmt(t.params[n])).join(' | ')} | ${t.objective === null ? '–' : fmt(t.objective)} | ${t.state} | ${t.lastStep ?? '–'} |`,
    ),
    '',
    '## Parameter importance',
    '',
    ...Object.entries(study.importance.values)
      .sort(([, a], [, b]) => b - a)
      .map(([name, value]) => `- ${name}: ${value.toFixed(3)}`),
    '',
    `Method: ${study.importance.method}`,
    '',
    '![parameter importance](param-importance.svg)',
    '',
  ];
  return lines.join('\n');
}
