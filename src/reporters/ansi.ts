// Tiny ANSI styling: node:util styleText decides by process.stdout, not by the reporter's stream.
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'gray';

const CODES: Record<Style, readonly [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

export type Paint = (style: Style, text: string) => string;

export function createPaint(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => {
    const [open, close] = CODES[style];
    return `\u001B[${open}m${text}\u001B[${close}m`;
  };
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colors off. */
export function colorAllowed(env: NodeJS.ProcessEnv, requested: boolean): boolean {
  return requested && !env['NO_COLOR'];
}
