import { stat } from 'node:fs/promises';

/**
 * A wdir that is not a directory when the stage starts: the shell's own "can't cd" names neither
 * the wdir nor what to do, and reads like a failure of the command.
 */
export async function wdirProblem(cwd: string, wdir: string): Promise<string | undefined> {
  const stats = await stat(cwd).catch(() => undefined);
  if (stats?.isDirectory()) return undefined;
  const what = stats ? 'is not a directory' : 'does not exist';
  return `its working directory "${wdir}" (wdir) ${what}; hint: wdir is relative to the project root; create the directory, or let a stage that runs before this one write it`;
}
