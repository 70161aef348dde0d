// `metrics show/diff [TARGET...]`: keep the metrics files named by path or by their stage.
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { closestMatch } from '../text/suggest.js';
import type { MetricsFileReport } from './collect-metrics.js';

export function selectMetricsFiles(reports: readonly MetricsFileReport[], targets: readonly string[]): Result<MetricsFileReport[], Diagnostic[]> {
  if (targets.length === 0) return ok([...reports]);
  const names = [...new Set(reports.flatMap((r) => [r.stage, r.path]))];
  const unknown = targets.filter((target) => !names.includes(target));
  if (unknown.length > 0) {
    return fail(
      unknown.map((target) => {
        const closest = closestMatch(target, names);
        return {
          message: `"${target}" is neither a stage with metrics nor a metrics file`,
          hint: closest ? `did you mean "${closest}"?` : 'run "dagmake metrics show" to list the metrics files',
        };
      }),
    );
  }
  return ok(reports.filter((r) => targets.includes(r.stage) || targets.includes(r.path)));
}
