// A weighted FIFO semaphore: a unit takes `weight` slots and waits until that many are free.
// Hand-written because it is ~30 lines and FIFO order keeps wide units from starving.
export class Semaphore {
  private free: number;
  private readonly waiting: { weight: number; wake: () => void }[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`Internal error: semaphore capacity ${capacity}`);
    this.free = capacity;
  }

  /** Resolves with a release function once `weight` slots (capped at the capacity) are held. */
  async acquire(weight = 1): Promise<() => void> {
    const need = Math.min(Math.max(1, Math.ceil(weight)), this.capacity);
    if (this.waiting.length === 0 && this.free >= need) this.free -= need;
    else await new Promise<void>((wake) => this.waiting.push({ weight: need, wake }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.free += need;
      this.drain();
    };
  }

  async run<T>(weight: number, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(weight);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.free >= this.waiting[0]!.weight) {
      const next = this.waiting.shift()!;
      this.free -= next.weight;
      next.wake();
    }
  }
}
