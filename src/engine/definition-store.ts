// The lock keeps only the hash of each stage's definition. The parts behind recent hashes are kept
// in .dagmake/definitions.json, so that `status`, `explain` and the run can say what changed (the
// command, a `with` value, an imported module) instead of only "definition changed". Losing the
// file loses nothing but that detail: it is written without fsync and read leniently.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StaleReason } from '../events.js';
import { STATE_DIR } from '../lock/journal.js';
import { describeDefinitionChanges } from './definition-changes.js';
import type { DefinitionParts } from './fingerprint.js';

const FILE = 'definitions.json';

export class DefinitionStore {
  #known: Promise<Map<string, DefinitionParts>> | undefined;
  readonly #noted = new Map<string, DefinitionParts>();

  constructor(private readonly root: string) {}

  /** The parts of a definition an earlier run recorded, if they were kept. */
  async get(hash: string): Promise<DefinitionParts | undefined> {
    return this.#noted.get(hash) ?? (await this.#load()).get(hash);
  }

  /** Remembers the parts of a definition this run recorded in the lock. */
  note(hash: string, parts: DefinitionParts): void {
    this.#noted.set(hash, parts);
  }

  /**
   * Writes the parts of every definition in `referenced` (the lock's, after the run) that are
   * known; only when this run noted one the file did not have.
   */
  async save(referenced: ReadonlySet<string>): Promise<void> {
    if (this.#noted.size === 0) return;
    const known = await this.#load();
    if ([...this.#noted.keys()].every((hash) => known.has(hash))) return;
    const kept: Record<string, DefinitionParts> = {};
    for (const [hash, parts] of [...known, ...this.#noted]) if (referenced.has(hash)) kept[hash] = parts;
    const file = path.join(this.root, STATE_DIR, FILE);
    const temp = `${file}.${process.pid}.tmp`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, `${JSON.stringify({ definitions: kept })}\n`);
    await rename(temp, file);
  }

  #load(): Promise<Map<string, DefinitionParts>> {
    this.#known ??= readFile(path.join(this.root, STATE_DIR, FILE), 'utf8').then(
      (text) => {
        try {
          const definitions = (JSON.parse(text) as { definitions?: unknown }).definitions;
          if (typeof definitions !== 'object' || definitions === null) return new Map();
          return new Map(Object.entries(definitions as Record<string, DefinitionParts>));
        } catch {
          return new Map(); // damaged: only the detail of earlier definitions is lost
        }
      },
      () => new Map(),
    );
    return this.#known;
  }
}

/** `reasons`, with what changed spelled out on a changed definition whose earlier parts are known. */
export async function withDefinitionChanges(reasons: StaleReason[], parts: DefinitionParts, store: DefinitionStore): Promise<StaleReason[]> {
  const index = reasons.findIndex((r) => r.kind === 'definition-changed');
  const reason = reasons[index];
  if (reason?.kind !== 'definition-changed') return reasons;
  const before = await store.get(reason.old);
  if (before === undefined) return reasons;
  const changes = describeDefinitionChanges(before, parts);
  return changes.length === 0 ? reasons : reasons.with(index, { ...reason, changes });
}
