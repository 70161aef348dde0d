// Node's parseArgs says "Unknown option '--jbos'. To specify a positional argument starting with a
// '-', …"; users need the option named and, for a typo, the option they meant.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../text/suggest.js';

export interface OptionProblem {
  readonly message: string;
  readonly hint?: string;
}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The first option in `args` that `options` does not declare, as an error with a suggestion. */
export function findUnknownOption(args: readonly string[], options: OptionSpecs): OptionProblem | undefined {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(options, token.name));
  if (unknown?.kind !== 'option') return undefined;
  return describeUnknownOption(unknown.rawName, options);
}

export function describeUnknownOption(rawName: string, options: OptionSpecs): OptionProblem {
  const message = `unknown option ${rawName}`;
  // A single letter is too short for "did you mean"; every short option is one edit from every other.
  if (!rawName.startsWith('--')) return { message };
  const closest = closestMatch(rawName.slice(2), Object.keys(options));
  return closest ? { message, hint: `did you mean --${closest}?` } : { message };
}
