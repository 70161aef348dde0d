// The metrics of the last two runs whose values differed, under .dagmake/metrics/:
// latest.json is the newer, previous.json the one before it.
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { stateDir } from '../engine/stage-logs.js';
import { canonicalJson } from '../hash/canonical-json.js';
import { writeFileAtomic } from '../lock/atomic-write.js';
import type { MetricsByPath } from './collect-metrics.js';

export interface MetricsSnapshot {
  /** ISO time of the run that recorded it. */
  readonly time: string;
  readonly metrics: MetricsByPath;
}

export interface MetricsSnapshots {
  readonly latest?: MetricsSnapshot;
  readonly previous?: MetricsSnapshot;
}

const metricsDir = (root: string) => path.join(stateDir(root), 'metrics');
const latestFile = (root: string) => path.join(metricsDir(root), 'latest.json');
const previousFile = (root: string) => path.join(metricsDir(root), 'previous.json');
const nextFile = (root: string) => path.join(metricsDir(root), 'next.json');

export function sameMetrics(a: MetricsByPath, b: MetricsByPath): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export async function readMetricsSnapshots(root: string): Promise<MetricsSnapshots> {
  const [latest, previous] = await Promise.all([readSnapshot(latestFile(root)), readSnapshot(previousFile(root))]);
  return { ...(latest ? { latest } : {}), ...(previous ? { previous } : {}) };
}

/** Rotates latest → previous and records `metrics` as latest, unless they equal latest already. */
export async function recordMetricsSnapshot(root: string, metrics: MetricsByPath, time: Date): Promise<boolean> {
  const latest = await readSnapshot(latestFile(root));
  if (latest && sameMetrics(latest.metrics, metrics)) return false;
  await mkdir(metricsDir(root), { recursive: true });
  const snapshot: MetricsSnapshot = { time: time.toISOString(), metrics };
  // Written in full before anything moves: a full disk then leaves both snapshots as they were.
  await writeFileAtomic(nextFile(root), `${JSON.stringify(snapshot, null, 1)}\n`);
  if (latest) await rename(latestFile(root), previousFile(root));
  await rename(nextFile(root), latestFile(root));
  return true;
}

// A missing or damaged snapshot only means there is less history to compare with.
async function readSnapshot(file: string): Promise<MetricsSnapshot | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<MetricsSnapshot>;
    if (typeof parsed.time !== 'string' || parsed.metrics === null || typeof parsed.metrics !== 'object') return undefined;
    return { time: parsed.time, metrics: parsed.metrics };
  } catch {
    return undefined;
  }
}
