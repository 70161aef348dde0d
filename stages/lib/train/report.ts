// Per-training reports: report.json (every number), summary.txt, loss.svg and metrics.svg.
// They hold only what the inputs decide; durations and throughput are in the run info (TrainingTiming).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackboneConfig } from '../model/index.js';
import { lineChartSvg } from './svg-chart.js';
import type { Objective } from './objective.js';
import type { EpochRecord, EvaluationMetrics, Hyperparameters } from './types.js';

export interface TrainingReport {
  readonly backbone: string;
  readonly backend: string;
  readonly seed: number;
  readonly model: BackboneConfig;
  readonly hyperparameters: Hyperparameters;
  /** What picked bestEpoch; absent without validation, where the last epoch is kept. */
  readonly objective?: Objective;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly best?: EvaluationMetrics;
  readonly stoppedEarly: boolean;
  readonly stopReason: 'completed' | 'patience' | 'onEpoch';
  /** Tokens trained over all epochs in `history`. */
  readonly trainTokens: number;
  readonly parameters: number;
}

const fixed = (n: number | undefined): string => (n === undefined ? '-' : n.toFixed(4));

function summaryText(report: TrainingReport, validated: boolean): string {
  const header = [
    `backbone: ${report.backbone}  backend: ${report.backend}  seed: ${report.seed}  parameters: ${report.parameters}`,
    `hyperparameters: ${JSON.stringify(report.hyperparameters)}`,
    `model: ${JSON.stringify(report.model)}`,
    `epochs run: ${report.history.length}  stop: ${report.stopReason}  best epoch: ${report.bestEpoch}${report.objective ? ` (${report.objective.goal} ${report.objective.metric})` : ''}  train tokens: ${report.trainTokens}`,
    '',
  ];
  const table = validated
    ? [
        'epoch  train_loss  val_loss  micro_f1  macro_f1  lr',
        ...report.history.map(
          (r) =>
            `${String(r.epoch).padEnd(6)} ${fixed(r.trainLoss).padEnd(11)} ${fixed(r.validationLoss).padEnd(9)} ${fixed(r.validation.microF1).padEnd(9)} ${fixed(r.validation.macroF1).padEnd(9)} ${r.learningRate.toExponential(2)}`,
        ),
      ]
    : [
        'no validation split: trained on train + validation, so there are no validation scores',
        'epoch  train_loss  lr',
        ...report.history.map((r) => `${String(r.epoch).padEnd(6)} ${fixed(r.trainLoss).padEnd(11)} ${r.learningRate.toExponential(2)}`),
      ];
  const lines = [...header, ...table];
  if (report.best) {
    lines.push('', `best: micro-F1 ${fixed(report.best.microF1)}  macro-F1 ${fixed(report.best.macroF1)}  P ${fixed(report.best.microPrecision)}  R ${fixed(report.best.microRecall)}  token acc ${fixed(report.best.tokenAccuracy)}`);
    for (const [type, s] of Object.entries(report.best.perType)) {
      lines.push(`  ${type.padEnd(16)} P ${fixed(s.precision)}  R ${fixed(s.recall)}  F1 ${fixed(s.f1)}  support ${s.support}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function writeReport(dir: string, report: TrainingReport, validated: boolean): Promise<void> {
  const epochs = report.history;
  // Without a validation split the per-epoch validation fields hold placeholders, not scores.
  const history = validated ? report.history : report.history.map((r) => ({ epoch: r.epoch, trainLoss: r.trainLoss, learningRate: r.learningRate }));
  await writeFile(join(dir, 'report.json'), `${JSON.stringify({ ...report, validated, history }, null, 2)}\n`);
  await writeFile(join(dir, 'summary.txt'), summaryText(report, validated));
  const lossSeries = [{ name: 'train loss', points: epochs.map((r) => [r.epoch, r.trainLoss] as const) }];
  if (validated) lossSeries.push({ name: 'validation loss', points: epochs.map((r) => [r.epoch, r.validationLoss] as const) });
  await writeFile(join(dir, 'loss.svg'), lineChartSvg(`${report.backbone}: loss`, 'epoch', lossSeries));
  if (validated) {
    await writeFile(
      join(dir, 'metrics.svg'),
      lineChartSvg(`${report.backbone}: validation`, 'epoch', [
        { name: 'micro-F1', points: epochs.map((r) => [r.epoch, r.validation.microF1] as const) },
        { name: 'macro-F1', points: epochs.map((r) => [r.epoch, r.validation.macroF1] as const) },
        { name: 'token accuracy', points: epochs.map((r) => [r.epoch, r.validation.tokenAccuracy] as const) },
      ]),
    );
  }
}
