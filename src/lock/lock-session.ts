// One run's view of the lock: leftovers from a crashed run are folded in on open, each finished
// stage is journaled (O(1)), and the lock file is rewritten once, on close.
import type { Diagnostic, Result } from '../errors.js';
import { ok } from '../errors.js';
import { JournalWriter, foldJournal, replaceJournalWithLock } from './journal.js';
import { normalizeStage } from './lock-file.js';
import type { LockFile, LockedStage } from './types.js';

export class LockSession {
  private readonly stages: Map<string, LockedStage>;
  private readonly journal: JournalWriter;
  private closed = false;
  /** An append failed: the journal on disk, not this session's view, says what is durable. */
  private lost = false;

  private constructor(
    readonly root: string,
    lock: LockFile,
  ) {
    this.stages = new Map(Object.entries(lock.stages));
    this.journal = new JournalWriter(root);
  }

  static async open(root: string): Promise<Result<LockSession, Diagnostic[]>> {
    const lock = await foldJournal(root);
    if (!lock.ok) return lock;
    return ok(new LockSession(root, lock.value));
  }

  /** The stage's entry as of now, including records made in this session. */
  get(stage: string): LockedStage | undefined {
    return this.stages.get(stage);
  }

  /** The whole lock as of now. */
  snapshot(): LockFile {
    return { schema: 1, stages: Object.fromEntries(this.stages) };
  }

  /** Durable once the promise resolves. `null` removes the stage from the lock. */
  async record(stage: string, locked: LockedStage | null): Promise<void> {
    if (this.closed) throw new Error(`Internal error: lock session closed before recording ${stage}`);
    if (locked === null) this.stages.delete(stage);
    else this.stages.set(stage, normalizeStage(locked));
    try {
      await this.journal.append({ stage, locked });
    } catch (error) {
      this.lost = true;
      throw error;
    }
  }

  /**
   * Waits for pending records, then folds the journal into dagmake.lock. The session already
   * holds lock + journal applied in order, so reading both back (and validating every journal
   * line again) is only needed when an append failed.
   */
  async close(): Promise<Result<LockFile, Diagnostic[]>> {
    this.closed = true;
    const journaled = this.journal.opened;
    await this.journal.close();
    if (this.lost) return foldJournal(this.root);
    const lock = this.snapshot();
    if (journaled) await replaceJournalWithLock(this.root, lock);
    return ok(lock);
  }
}
