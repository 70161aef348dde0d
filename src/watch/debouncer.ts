// Folds a burst of file events (an editor's write-then-rename, a checkout of many files) into one
// batch: it fires once the events pause for `quietMs`, or after `maxWaitMs` of constant events.
export class Debouncer {
  readonly #paths = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #firstAt = 0;

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly flush: (paths: string[]) => void,
  ) {}

  add(path: string): void {
    if (this.#paths.size === 0) this.#firstAt = Date.now();
    this.#paths.add(path);
    if (this.#timer) clearTimeout(this.#timer);
    const wait = Math.min(this.quietMs, Math.max(0, this.#firstAt + this.maxWaitMs - Date.now()));
    this.#timer = setTimeout(() => this.#fire(), wait);
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#paths.clear();
  }

  #fire(): void {
    this.#timer = undefined;
    const paths = [...this.#paths];
    this.#paths.clear();
    if (paths.length > 0) this.flush(paths);
  }
}
