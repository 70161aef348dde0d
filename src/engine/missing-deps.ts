// How a stage whose deps are missing at its turn fails: said once for the run and its prediction.

export function missingDepsMessage(missing: readonly string[]): string {
  return `dep ${missing.map((d) => `"${d}"`).join(', ')} does not exist`;
}
