/**
 * The values of `byPath` whose path is `path`, a directory above it, or inside it: the outs a
 * dep reads, or the outs that overlap another out. `sorted` holds the keys of `byPath` in sorted
 * order, so the paths inside are one binary search away. Paths are relative (`.` is the project)
 * or absolute.
 */
export function overlappingPaths<T>(path: string, byPath: ReadonlyMap<string, T>, sorted: readonly string[]): T[] {
  const found: T[] = [];
  for (let at = path; ; ) {
    const value = byPath.get(at);
    if (value !== undefined) found.push(value);
    const slash = at.lastIndexOf('/');
    if (slash <= 0) break;
    at = at.slice(0, slash);
  }
  const prefix = path === '.' ? '' : `${path}/`;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) found.push(byPath.get(sorted[i]!)!);
  return found;
}
