import type { SourceLocation } from '../errors.js';

/** `pipeline.yaml:7:5`, as used inside hints that point at a second place. */
export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.col}` : 'an unknown position';
}
