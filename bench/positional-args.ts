// The positional arguments of the single-purpose benchmarks: `--help` prints the usage, and an
// argument that is not what the usage asks for stops before anything is measured.

export interface PositionalSpec {
  readonly name: string;
  /** A positive number unless `text` is set. */
  readonly text?: boolean;
}

/** The arguments by name (absent ones undefined), or exits: 0 after `--help`, 2 on a bad one. */
export function positionalArgs(usage: string, specs: readonly PositionalSpec[], argv = process.argv.slice(2)): Map<string, string> {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) {
    console.log(usage);
    process.exit(0);
  }
  const problem = (message: string): never => {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  };
  if (argv.length > specs.length) problem(`expected at most ${specs.length} arguments, got ${argv.length}`);
  const values = new Map<string, string>();
  argv.forEach((arg, i) => {
    const spec = specs[i]!;
    if (arg.startsWith('-')) problem(`unknown option "${arg}"`);
    if (!spec.text && !(Number(arg) > 0)) problem(`${spec.name} must be a positive number, got "${arg}"`);
    values.set(spec.name, arg);
  });
  return values;
}

/** `parseArgs` with its error (an unknown option, a missing value) said in one line, exit 2. */
export function parseOrExit<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
