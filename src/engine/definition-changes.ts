// What differs between two versions of a stage's definition, in words a user acts on.
import { isDeepStrictEqual } from 'node:util';
import type { DefinitionParts } from './fingerprint.js';

const SHOWN = 3;
const VALUE_CHARS = 60;

export function describeDefinitionChanges(before: DefinitionParts, now: DefinitionParts): string[] {
  const changes: string[] = [];
  if (!isDeepStrictEqual(before.cmd, now.cmd)) changes.push(commandChange(before.cmd, now.cmd));
  if (before.uses !== now.uses) changes.push(`module ${before.uses ?? 'none'} → ${now.uses ?? 'none'}`);
  changes.push(...moduleChanges(before.modules, now.modules));
  changes.push(...valueChanges('with', before.with, now.with));
  changes.push(...valueChanges('env', before.env, now.env));
  if (before.wdir !== now.wdir) changes.push(`wdir ${before.wdir} → ${now.wdir}`);
  changes.push(...outChanges(before.outs, now.outs));
  if (before.resume !== now.resume) changes.push(now.resume ? 'resume turned on' : 'resume turned off');
  return changes;
}

function commandChange(before: readonly string[] | null, now: readonly string[] | null): string {
  if (before === null || now === null) return before === null ? 'now runs a command' : 'no longer runs a command';
  if (before.length === 1 && now.length === 1) return `command ${shown(before[0])} → ${shown(now[0])}`;
  const changed = now.findIndex((line, i) => line !== before[i]);
  return changed === -1 || changed >= before.length ? `command lines ${before.length} → ${now.length}` : `command line ${changed + 1} ${shown(before[changed])} → ${shown(now[changed])}`;
}

function moduleChanges(before: DefinitionParts['modules'], now: DefinitionParts['modules']): string[] {
  const old = new Map(before.map((m) => [m.path, m.hash]));
  const current = new Map(now.map((m) => [m.path, m.hash]));
  const edited = now.filter((m) => old.has(m.path) && old.get(m.path) !== m.hash).map((m) => m.path);
  const added = now.filter((m) => !old.has(m.path)).map((m) => m.path);
  const removed = before.filter((m) => !current.has(m.path)).map((m) => m.path);
  return [
    ...(edited.length > 0 ? [`${listed(edited)} edited`] : []),
    ...(added.length > 0 ? [`now imports ${listed(added)}`] : []),
    ...(removed.length > 0 ? [`no longer imports ${listed(removed)}`] : []),
  ];
}

function outChanges(before: DefinitionParts['outs'], now: DefinitionParts['outs']): string[] {
  const old = new Map(before.map((o) => [o.path, o]));
  const current = new Map(now.map((o) => [o.path, o]));
  const added = now.filter((o) => !old.has(o.path)).map((o) => o.path);
  const removed = before.filter((o) => !current.has(o.path)).map((o) => o.path);
  const options = now.filter((o) => old.has(o.path) && !isDeepStrictEqual(old.get(o.path), o)).map((o) => o.path);
  return [
    ...(added.length > 0 ? [`new out ${listed(added)}`] : []),
    ...(removed.length > 0 ? [`out ${listed(removed)} removed`] : []),
    ...(options.length > 0 ? [`options of out ${listed(options)} changed`] : []),
  ];
}

/** Each changed leaf as `with.key.sub: old → new`; arrays compare whole. */
function valueChanges(prefix: string, before: unknown, now: unknown): string[] {
  if (isDeepStrictEqual(before, now)) return [];
  if (isRecord(before) && isRecord(now)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
    return keys.flatMap((key) => valueChanges(`${prefix}.${key}`, before[key], now[key]));
  }
  return [`${prefix} ${valueText(before)} → ${valueText(now)}`];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const valueText = (value: unknown): string => (value === undefined ? 'unset' : shorten(JSON.stringify(value)));

const shown = (text: string | undefined): string => shorten(JSON.stringify(text ?? ''));

const shorten = (text: string): string => (text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text);

const listed = (paths: readonly string[]): string =>
  paths.length > SHOWN ? `${paths.slice(0, SHOWN).join(', ')} and ${paths.length - SHOWN} more` : paths.join(', ');
