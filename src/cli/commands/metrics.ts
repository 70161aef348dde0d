import { loadPipeline } from '../../pipeline/load-pipeline.js';
import { collectMetrics, metricsByPath, type MetricsByPath } from '../../metrics/collect-metrics.js';
import { diffMetrics } from '../../metrics/diff-metrics.js';
import { readMetricsSnapshots, sameMetrics, type MetricsSnapshot } from '../../metrics/metrics-snapshots.js';
import { metricsDiffJson, renderMetricsDiff } from '../../metrics/render-metrics-diff.js';
import { describeUnavailable, renderMetricsShow } from '../../metrics/render-metrics-show.js';
import { selectMetricsFiles } from '../../metrics/select-metrics-files.js';
import type { Command, CommandIo } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake metrics show [TARGET...] [--json]
       dagmake metrics diff [TARGET...] [--json] [--all]

Reads the stages' "metrics:" files (.json, .yaml or .yml). Nested keys are flattened to dotted
keys (validation.macro_f1); arrays are skipped (per-epoch curves belong in "plots:"). A file in
which two values flatten to the same key ("a.b" and "a" → "b") is reported, not read.
TARGET is a stage name or a metrics file path (default: all).

  show   the current values, grouped by stage
  diff   the current values against the previous run's: every "dagmake run" snapshots the
         metrics in .dagmake/metrics/ (the last two differing snapshots are kept)

Options:
  --json   show: {"<path>": {"<key>": value}}
           diff: {"<path>": {"<key>": {"old", "new", "change", "changePct"}}}
  --all    diff: list unchanged keys too`;

type Values = { json?: boolean; all?: boolean };

export const metricsCommand: Command = {
  name: 'metrics',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<Values>(args, { json: { type: 'boolean' }, all: { type: 'boolean' } }, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'metrics');
    const [subcommand, ...targets] = parsed.positionals;
    if (subcommand !== 'show' && subcommand !== 'diff') {
      const given = subcommand === undefined ? 'no subcommand given' : `unknown metrics subcommand "${subcommand}"`;
      io.stderr.write(`error: ${given}\n  hint: dagmake metrics show | dagmake metrics diff\n`);
      return ExitCode.usage;
    }
    if (subcommand === 'show' && parsed.values.all) {
      io.stderr.write('error: --all applies to "metrics diff" only\n');
      return ExitCode.usage;
    }
    const pipeline = await loadPipeline(parsed.global.file, { displayPath: parsed.global.displayPath });
    if (!pipeline.ok) {
      printDiagnostics(io.stderr, pipeline.error);
      return ExitCode.usage;
    }
    const root = pipeline.value.root;
    const selected = selectMetricsFiles(await collectMetrics(root, pipeline.value.stages), targets);
    if (!selected.ok) {
      printDiagnostics(io.stderr, selected.error);
      return ExitCode.usage;
    }
    const reports = selected.value;
    // A metrics file that exists but cannot be read fails the command; one not produced yet does not.
    const readFailed = reports.some((r) => r.reading.kind === 'unreadable');
    if (subcommand === 'show') {
      if (!parsed.values.json) {
        io.stdout.write(renderMetricsShow(reports));
        return readFailed ? ExitCode.failed : ExitCode.ok;
      }
      // stdout stays one JSON document; what could not be read is said on stderr.
      for (const r of reports) {
        if (r.reading.kind !== 'values') io.stderr.write(`${r.reading.kind === 'missing' ? 'note' : 'error'}: ${describeUnavailable(r.path, r.reading)}\n`);
      }
      io.stdout.write(`${JSON.stringify(metricsByPath(reports), null, 2)}\n`);
      return readFailed ? ExitCode.failed : ExitCode.ok;
    }
    for (const r of reports) if (r.reading.kind === 'unreadable') io.stderr.write(`error: ${describeUnavailable(r.path, r.reading)}\n`);
    // A file that cannot be read says nothing about its keys: they are neither removed nor unchanged.
    const paths = new Set(reports.filter((r) => r.reading.kind !== 'unreadable').map((r) => r.path));
    const unread = reports.filter((r) => r.reading.kind === 'unreadable').map((r) => r.path);
    const current = metricsByPath(reports);
    const baseline = pickBaseline(await readMetricsSnapshots(root), current, paths);
    const diffed = showDiff(io, parsed.values, current, baseline, paths, unread);
    return readFailed ? ExitCode.failed : diffed;
  },
};

/**
 * The previous run's values: usually the snapshot before the latest, because the workspace holds the
 * latest run's values; when the workspace has moved on since the latest run, the latest itself.
 */
function pickBaseline(snapshots: { latest?: MetricsSnapshot; previous?: MetricsSnapshot }, current: MetricsByPath, paths: ReadonlySet<string>) {
  const { latest, previous } = snapshots;
  if (latest && !sameMetrics(onlyPaths(latest.metrics, paths), current)) return latest;
  return previous;
}

function onlyPaths(metrics: MetricsByPath, paths: ReadonlySet<string>): MetricsByPath {
  return Object.fromEntries(Object.entries(metrics).filter(([file]) => paths.has(file)));
}

function showDiff(
  io: CommandIo,
  options: Values,
  current: MetricsByPath,
  baseline: MetricsSnapshot | undefined,
  paths: ReadonlySet<string>,
  unread: readonly string[],
): number {
  if (!baseline) {
    if (options.json) io.stdout.write('{}\n');
    io.stderr.write('note: no earlier run\'s metrics to compare with\n  hint: change something and "dagmake run" again; each run records its metrics\n');
    return ExitCode.ok;
  }
  const changes = diffMetrics(onlyPaths(baseline.metrics, paths), current, { all: options.all ?? false });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(metricsDiffJson(changes), null, 2)}\n`);
  } else if (changes.length > 0) {
    io.stdout.write(`old: the run of ${baseline.time}\n${renderMetricsDiff(changes)}`);
  } else if (unread.length === 0) {
    io.stdout.write(`no metric changed since the run of ${baseline.time}\n`);
  } else {
    const notCompared = `not compared: ${unread.join(', ')} (could not be read)`;
    io.stdout.write(paths.size > 0 ? `no metric changed since the run of ${baseline.time} in the files that could be read; ${notCompared}\n` : `${notCompared}\n`);
  }
  return ExitCode.ok;
}
