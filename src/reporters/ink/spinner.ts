export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export function spinnerFrame(now: number, frameMs = 80): string {
  return SPINNER_FRAMES[Math.floor(now / frameMs) % SPINNER_FRAMES.length] ?? '·';
}

/** `████░░░░` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
