#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ignoreBrokenPipes } from './cli/broken-pipe.js';
import { commandRegistry } from './cli/command-registry.js';
import { ExitCode } from './cli/exit-codes.js';
import { globalHelp } from './cli/global-options.js';
import { splitLeadingOptions } from './cli/leading-options.js';
import { closestMatch } from './text/suggest.js';

const commands = commandRegistry;

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: dagmake [global options] COMMAND [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${globalHelp}

Exit codes: 0 ok · 1 a stage failed or status --exit-code found stale stages · 2 invalid pipeline or usage · 130 interrupted (143 on SIGTERM)
Run "dagmake COMMAND --help" for a command's options.
`;
}

async function main(argv: readonly string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  if (argv[0] === '--version' || argv[0] === '-V') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return ExitCode.ok;
  }
  const leading = splitLeadingOptions(argv);
  if (!leading.ok) {
    io.stderr.write(`error: ${leading.message}\n  hint: ${leading.hint ? `${leading.hint} ` : ''}run "dagmake --help"\n`);
    return ExitCode.usage;
  }
  const { command: name, commandArgs, help: helpAsked } = leading;
  if (name === undefined || name === 'help') {
    io.stdout.write(help());
    return name === undefined && !helpAsked ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const closest = closestMatch(name, commands.map((c) => c.name));
    io.stderr.write(`error: unknown command "${name}"\n  hint: ${closest ? `did you mean "${closest}"? ` : ''}run "dagmake --help"\n`);
    return ExitCode.usage;
  }
  return (await command.load()).run(commandArgs, io);
}

ignoreBrokenPipes(process.stdout, process.stderr);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `Internal error! Please report it with this message:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
