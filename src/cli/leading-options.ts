// make and git users write global options before the command (`dagmake -C dir status`); they are
// taken off the front here and handed to the command, which parses them with its own options.
import { globalOptionSpecs } from './global-options.js';
import { describeUnknownOption, type OptionProblem } from './unknown-option.js';

export type LeadingOptions =
  | { readonly ok: true; readonly command?: string; readonly commandArgs: readonly string[]; readonly help: boolean }
  | ({ readonly ok: false } & OptionProblem);

type GlobalName = keyof typeof globalOptionSpecs;

/** `--file=x`, `--file`, `-fx` or `-f`: the option's name, and its value when written in the token. */
function readOptionToken(token: string): { name?: GlobalName; inline?: string } {
  const names = Object.keys(globalOptionSpecs) as GlobalName[];
  if (token.startsWith('--')) {
    const [written, ...value] = token.slice(2).split('=');
    return { name: names.find((name) => name === written), ...(value.length > 0 && { inline: value.join('=') }) };
  }
  return { name: names.find((name) => globalOptionSpecs[name].short === token[1]), ...(token.length > 2 && { inline: token.slice(2) }) };
}

/** Splits `[global options] COMMAND args` into the command and its arguments, global options first. */
export function splitLeadingOptions(argv: readonly string[]): LeadingOptions {
  const forwarded: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return { ok: true, command: argv[i + 1], commandArgs: [...forwarded, ...argv.slice(i + 2)], help };
    if (!token.startsWith('-') || token === '-') return { ok: true, command: token, commandArgs: [...forwarded, ...argv.slice(i + 1)], help };
    const { name, inline } = readOptionToken(token);
    if (name === undefined) {
      const problem = describeUnknownOption(token.split('=')[0]!, globalOptionSpecs);
      return { ok: false, message: `${problem.message} before the command`, hint: problem.hint ?? 'only global options (-C, -f, -h) may come before the command;' };
    }
    if (name === 'help') {
      help = true;
      forwarded.push('--help');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { ok: false, message: `option ${token.split('=')[0]} needs a value` };
    // The = form keeps a value that starts with "-" a value.
    forwarded.push(`--${name}=${value}`);
  }
  return { ok: true, commandArgs: forwarded, help };
}
