// User-facing problems are values, never exceptions: a Diagnostic says what is wrong,
// where (file:line:col when there is a place) and what to do about it.

export interface SourceLocation {
  /** Path as shown to the user (project-relative where possible). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

export interface Diagnostic {
  readonly message: string;
  readonly location?: SourceLocation;
  /** What the user can do about it; printed on its own line after the message. */
  readonly hint?: string;
}

export type Result<T, E = Diagnostic[]> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col} ` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}error: ${d.message}${hint}`;
}

/** For exhaustive switches over unions: a compile error when a case is missing. */
export function unreachable(value: never): never {
  throw new Error(`Internal error: unexpected value ${JSON.stringify(value)}`);
}
