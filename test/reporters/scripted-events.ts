// Event lists shared by the reporter tests.
import type { DagEvent } from '../../src/events.js';

export const successfulRun: DagEvent[] = [
  { type: 'run-start', time: 0, stages: ['prepare', 'featurize', 'train'], jobs: 2 },
  { type: 'stage-queued', time: 1, stage: 'prepare' },
  { type: 'stage', time: 2, stage: 'prepare', status: 'up-to-date', reason: [], durationMs: 0, savedMs: 40_100 },
  { type: 'stage', time: 3, stage: 'featurize', status: 'restored', reason: [], durationMs: 120, savedMs: 90_000 },
  {
    type: 'stage-start',
    time: 1000,
    stage: 'train',
    reasons: [{ kind: 'param-changed', file: 'config/train.yaml', key: 'final.epochs', old: 5, new: 10 }],
  },
  { type: 'stage-log', time: 1100, stage: 'train', stream: 'stdout', line: 'loading data' },
  { type: 'stage-progress', time: 4000, stage: 'train', current: 3, total: 10, unit: 'epoch', message: 'training fast' },
  { type: 'stage-progress', time: 4100, stage: 'train', current: 7, total: 20, task: 'trials', message: 'best macro-F1 0.83' },
  { type: 'stage-metric', time: 4200, stage: 'train', name: 'val_f1', value: 0.81, step: 3 },
  { type: 'stage-log', time: 4300, stage: 'train', stream: 'stdout', line: 'epoch 3 done' },
];

export const successfulEnd: DagEvent[] = [
  { type: 'stage', time: 13_300, stage: 'train', status: 'ran', reason: [], durationMs: 12_300 },
  {
    type: 'summary',
    time: 14_200,
    ran: 1,
    restored: 1,
    upToDate: 1,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    durationMs: 14_200,
    savedMs: 130_100,
  },
];

export const failedRun: DagEvent[] = [
  { type: 'run-start', time: 0, stages: ['train', 'eval', 'export'], jobs: 1 },
  { type: 'stage-start', time: 0, stage: 'train', reasons: [{ kind: 'never-run' }] },
  ...Array.from({ length: 25 }, (_, i): DagEvent => ({
    type: 'stage-log',
    time: 10 + i,
    stage: 'train',
    stream: 'stderr',
    line: `trace line ${i + 1}`,
  })),
  {
    type: 'stage',
    time: 500,
    stage: 'train',
    status: 'failed',
    reason: [{ kind: 'never-run' }],
    durationMs: 500,
    failure: { message: 'command failed', exitCode: 1 },
    logFile: '.dagmake/logs/train.log',
  },
  { type: 'stage', time: 501, stage: 'eval', status: 'skipped', reason: [], durationMs: 0, skippedBecause: ['train'] },
  { type: 'stage', time: 502, stage: 'export', status: 'skipped', reason: [], durationMs: 0, skippedBecause: ['train'] },
  {
    type: 'summary',
    time: 600,
    ran: 0,
    restored: 0,
    upToDate: 0,
    failed: 1,
    skipped: 2,
    cancelled: 0,
    durationMs: 600,
    savedMs: 0,
  },
];

/** 10,000 progress events for one stage, 1 ms apart. */
export function progressFlood(stage = 'train', count = 10_000): DagEvent[] {
  return [
    { type: 'run-start', time: 0, stages: [stage], jobs: 1 },
    { type: 'stage-start', time: 0, stage, reasons: [{ kind: 'forced' }] },
    ...Array.from({ length: count }, (_, i): DagEvent => ({
      type: 'stage-progress',
      time: i + 1,
      stage,
      current: i + 1,
      total: count,
      unit: 'step',
    })),
  ];
}

/** A writable that records everything written to it. */
export function captureStream(): NodeJS.WriteStream & { text(): string; lines(): string[] } {
  const chunks: string[] = [];
  const stream = {
    write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').slice(0, -1),
  };
  return stream as unknown as NodeJS.WriteStream & { text(): string; lines(): string[] };
}
