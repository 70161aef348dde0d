/** What `status` and `run --dry` add to a stale stage that failed the last time it was tried. */
export function lastFailureNote(stage: string, failure: string | undefined): string {
  return failure === undefined ? '' : ` (failed last time: ${shortened(failure)}; "dagmake logs ${stage}")`;
}

/** A failure message on one line: its first line, at most 120 characters. */
function shortened(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
