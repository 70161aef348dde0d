// One run's view of the lock: leftovers from a crashed run are folded in on open, each finished
// stage is journaled (O(1)), and the lock file is rewritten once, on close. Opened for a pipeline,
// the rewrite also drops the entries of stages that pipeline no longer has.
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { JournalWriter, foldJournal, journalPath, replaceJournalWithLock } from './journal.js';
import { normalizeStage, writeLock } from './lock-file.js';
import { lockFileFor } from './lock-location.js';
import type { LockOwner } from './pipeline-lock.js';
import { removedStages, stageNames, takeOverEntries } from './pipeline-lock.js';
import type { LockFile, LockedStage } from './types.js';
import { LOCK_FILE_NAME } from './types.js';

export class LockSession {
  private readonly stages: Map<string, LockedStage>;
  private readonly journal: JournalWriter;
  private closed = false;
  /** An append failed: the journal on disk, not this session's view, says what is durable. */
  private lost = false;

  private constructor(
    readonly root: string,
    lock: LockFile,
    private readonly lockFile: string,
    /** The pipeline's stages, when opened for one: entries of any other stage are dropped. */
    private readonly keep: ReadonlySet<string> | undefined,
  ) {
    this.stages = new Map(Object.entries(lock.stages));
    this.journal = new JournalWriter(root, lockFile);
  }

  /** The project's dagmake.lock, every entry kept. */
  static async open(root: string): Promise<Result<LockSession, Diagnostic[]>> {
    const lock = await foldJournal(root);
    if (!lock.ok) return lock;
    return ok(new LockSession(root, lock.value, LOCK_FILE_NAME, undefined));
  }

  /**
   * The pipeline's own lock. Closing writes it without the entries of stages the pipeline no longer
   * has, whichever stages the run selected: every entry in this lock is the pipeline's own.
   */
  static async openForPipeline(owner: LockOwner): Promise<Result<LockSession, Diagnostic[]>> {
    const root = path.dirname(owner.file);
    const lockFile = lockFileFor(owner.file);
    const keep = stageNames(owner);
    const taken = await takeOverEntries(root, lockFile, keep);
    if (!taken.ok) return taken;
    // Written before the journal is folded onto it, so a crashed first run keeps them too.
    if (taken.value !== undefined) await writeLock(root, taken.value, lockFile);
    const lock = await foldJournal(root, lockFile);
    if (!lock.ok) return lock;
    return ok(new LockSession(root, lock.value, lockFile, keep));
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
   * Waits for pending records, then folds the journal into the lock file. The session already
   * holds lock + journal applied in order, so reading both back (and validating every journal
   * line again) is only needed when an append failed.
   */
  async close(): Promise<Result<LockFile, Diagnostic[]>> {
    this.closed = true;
    const journaled = this.journal.opened;
    await this.journal.close();
    const folded = this.lost ? await foldJournal(this.root, this.lockFile) : ok(this.snapshot());
    if (!folded.ok) return folded;
    const lock = this.withoutRemovedStages(folded.value);
    try {
      if (journaled && !this.lost) await replaceJournalWithLock(this.root, lock, this.lockFile);
      else if (lock !== folded.value) await writeLock(this.root, lock, this.lockFile);
    } catch (error) {
      return fail([this.unwritten(error)]);
    }
    return ok(lock);
  }

  /**
   * The lock could not be replaced (a full disk, a read-only project): the old lock and the
   * journal are still whole, so nothing finished is lost, and the user only has to make room.
   */
  private unwritten(error: unknown): Diagnostic {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    const reason = (error as Error).message.split(',')[0]!;
    const journal = path.relative(this.root, journalPath(this.root, this.lockFile));
    return {
      message: `cannot write ${this.lockFile} (${reason})`,
      hint: `free disk space or make the project writable, then run again: the stages this run finished are kept in ${journal}, and the next run records them in ${this.lockFile}`,
    };
  }

  /** `lock` itself when it has no entry to drop. */
  private withoutRemovedStages(lock: LockFile): LockFile {
    const removed = this.keep === undefined ? [] : removedStages(lock, this.keep);
    if (removed.length === 0) return lock;
    const stages = { ...lock.stages };
    for (const name of removed) delete stages[name];
    return { schema: lock.schema, stages };
  }
}
