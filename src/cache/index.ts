export { defaultCacheDir } from './cache-layout.js';
export { gc, type GcOptions, type GcReport } from './gc.js';
export { createMemo, memoKey, type CreateMemoOptions, type MemoEntry, type MemoTaskEvent, type MemoTaskState } from './memo.js';
export { ObjectStore, type ObjectKind } from './object-store.js';
export type { RestoreOptions, RestoreStats } from './restore.js';
export { RunCache, type RunCacheEntry, type RunCacheOut } from './run-cache.js';
export { Semaphore } from './semaphore.js';
export { verify, type VerifyReport } from './verify.js';
