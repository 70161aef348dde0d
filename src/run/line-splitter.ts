// Splits a stage's output stream into lines, in time linear in the output and memory bounded by
// the line cap, whatever the output looks like (see "Output" in README.md for the rules).

/** Longer lines are cut: this many characters are kept and a marker says how many were dropped. */
export const MAX_LINE_LENGTH = 16_384;

/** A line redrawn with `\r` passes on at most one intermediate frame per this many milliseconds. */
export const REDRAW_INTERVAL_MS = 1_000;

export interface LineSplitterOptions {
  readonly maxLength?: number;
  readonly redrawIntervalMs?: number;
  readonly now?: () => number;
}

export const cutMarker = (dropped: number): string => ` […${dropped} more characters cut by dagmake]`;

/**
 * `\n` ends a line; `\r\n` too. A lone `\r` returns to the start of the line, as on a terminal:
 * text after it is a new frame that replaces the frame before it (tqdm and other progress bars).
 * A redrawn line passes on its latest complete frame (one ended by `\r`) at most once per
 * `redrawIntervalMs`, and its last frame when the line ends; frames replaced in between are dropped.
 * Only complete frames pass on early, so a frame split across two reads is never shown cut in two.
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  readonly #maxLength: number;
  readonly #interval: number;
  readonly #now: () => number;
  /** The frame being written: at most `maxLength` characters, then a count of the rest. */
  #text = '';
  #dropped = 0;
  /** A `\r` ended the current frame; text that follows starts a new one. */
  #afterReturn = false;
  #frameSent = false;
  /** The latest frame ended by `\r` that has not been passed on. */
  #pendingFrame: string | undefined;
  #lastFrameAt = -Infinity;

  constructor(onLine: (line: string) => void, options: LineSplitterOptions = {}) {
    this.#onLine = onLine;
    this.#maxLength = options.maxLength ?? MAX_LINE_LENGTH;
    this.#interval = options.redrawIntervalMs ?? REDRAW_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  push(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf('\n');
    let carriageReturn = chunk.indexOf('\r');
    while (newline !== -1 || carriageReturn !== -1) {
      const isNewline = carriageReturn === -1 || (newline !== -1 && newline < carriageReturn);
      const at = isNewline ? newline : carriageReturn;
      this.#append(chunk, start, at);
      start = at + 1;
      if (isNewline) {
        this.#endLine(true);
        newline = chunk.indexOf('\n', start);
      } else {
        this.#endFrame();
        carriageReturn = chunk.indexOf('\r', start);
      }
    }
    this.#append(chunk, start, chunk.length);
    if (this.#pendingFrame !== undefined) {
      const now = this.#now();
      if (now - this.#lastFrameAt < this.#interval) return;
      const frame = this.#pendingFrame;
      this.#pendingFrame = undefined;
      if (this.#afterReturn) this.#frameSent = true;
      this.#lastFrameAt = now;
      this.#onLine(frame);
    }
  }

  /** The stream ended: a last line without a newline is passed on; an empty one is not. */
  end(): void {
    this.#endLine(false);
  }

  #append(chunk: string, from: number, to: number): void {
    if (from === to) return;
    if (this.#afterReturn) {
      this.#text = '';
      this.#dropped = 0;
      this.#afterReturn = false;
      this.#frameSent = false;
    }
    if (this.#dropped > 0) {
      this.#dropped += to - from;
      return;
    }
    let room = this.#maxLength - this.#text.length;
    if (to - from <= room) {
      this.#text += chunk.slice(from, to);
      return;
    }
    // Never keep half of a surrogate pair.
    if (room > 0 && isHighSurrogate(chunk.charCodeAt(from + room - 1))) room--;
    this.#text += chunk.slice(from, from + room);
    this.#dropped = to - from - room;
  }

  #frame(): string {
    return this.#dropped > 0 ? this.#text + cutMarker(this.#dropped) : this.#text;
  }

  #endFrame(): void {
    if (this.#afterReturn || (this.#text === '' && this.#dropped === 0)) return;
    this.#afterReturn = true;
    this.#pendingFrame = this.#frame();
  }

  #endLine(newline: boolean): void {
    const hasText = this.#text !== '' || this.#dropped > 0;
    const send = this.#afterReturn ? !this.#frameSent : newline || hasText;
    const line = this.#frame();
    this.#text = '';
    this.#dropped = 0;
    this.#afterReturn = false;
    this.#frameSent = false;
    this.#pendingFrame = undefined;
    if (send) this.#onLine(line);
  }
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
