import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../text/suggest.js';
import { globalHelp, globalOptionSpecs, resolveGlobalOptions, type GlobalOptions } from './global-options.js';
import { findUnknownOption } from './unknown-option.js';

export type ParsedCommandArgs<T> = { ok: true; values: T; positionals: string[]; global: GlobalOptions } | {
  ok: false;
  message?: string;
  hint?: string;
  help?: string;
};

/**
 * node:util parseArgs with the global options mixed in; --help and bad flags become values. A
 * command that takes no operands says so (`takesOperands: false`): an ignored word could be a
 * mistyped option (`gc dry` would otherwise collect for real).
 */
export function parseCommandArgs<T>(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  { takesOperands = true }: { takesOperands?: boolean } = {},
): ParsedCommandArgs<T> {
  const allOptions = { ...globalOptionSpecs, ...options };
  const unknown = findUnknownOption(args, allOptions);
  if (unknown) return { ok: false, ...unknown };
  try {
    const parsed = parseArgs({
      args: [...args],
      options: allOptions,
      allowPositionals: true,
      strict: true,
    });
    const values = parsed.values as T & { help?: boolean; directory?: string; file?: string };
    if (values.help) return { ok: false, help: `${usage}\n\n${globalHelp}\n` };
    const directory = values.directory === undefined ? undefined : checkDirectory(values.directory);
    if (directory) return { ok: false, ...directory };
    const operand = takesOperands ? undefined : parsed.positionals[0];
    if (operand !== undefined) {
      const closest = closestMatch(operand.replace(/^-+/, ''), Object.keys(options));
      return { ok: false, message: `unexpected argument "${operand}"`, ...(closest && { hint: `did you mean --${closest}?` }) };
    }
    return { ok: true, values, positionals: parsed.positionals, global: resolveGlobalOptions(values) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/**
 * A -C that names no directory would otherwise look for the pipeline file above it, and run in
 * whatever project it finds there (the parent of a file given by mistake).
 */
function checkDirectory(directory: string): { message: string; hint: string } | undefined {
  const hint = 'give the project directory (the one holding pipeline.yaml), or -f for a pipeline file;';
  try {
    const stats = statSync(directory, { throwIfNoEntry: false });
    if (stats?.isDirectory()) return undefined;
    return { message: stats ? `-C "${directory}" is not a directory` : `directory "${directory}" given with -C does not exist`, hint };
  } catch (error) {
    return { message: `cannot use -C "${directory}": ${(error as Error).message}`, hint };
  }
}

/** Prints --help or the argument error; returns the exit code (0 for help, 2 for bad arguments). */
export function reportParseFailure(
  parsed: { help?: string; message?: string; hint?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  command: string,
): number {
  if (parsed.help) {
    io.stdout.write(parsed.help);
    return 0;
  }
  const hint = parsed.hint ? `${parsed.hint} ` : '';
  io.stderr.write(`error: ${parsed.message}\n  hint: ${hint}see "dagmake ${command} --help"\n`);
  return 2;
}
