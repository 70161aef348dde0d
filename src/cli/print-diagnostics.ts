import { formatDiagnostic, type Diagnostic } from '../errors.js';

export function printDiagnostics(stream: NodeJS.WritableStream, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) stream.write(`${formatDiagnostic(diagnostic)}\n`);
}
