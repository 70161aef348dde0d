import type { RawSpan } from '../documents.js';

/** Appends text pieces, recording a span for each labelled piece. */
export class TextBuilder {
  private text = '';
  private readonly spans: RawSpan[] = [];

  add(piece: string, label?: string): this {
    if (label !== undefined && piece.length > 0) {
      this.spans.push({ start: this.text.length, end: this.text.length + piece.length, label, text: piece });
    }
    this.text += piece;
    return this;
  }

  newline(count = 1): this {
    this.text = this.text.replace(/[ \t]+$/, '');
    this.text += '\n'.repeat(count);
    return this;
  }

  /** Adds labelled items joined by `separator`. */
  list(items: readonly string[], separator: string, label?: string): this {
    items.forEach((item, i) => {
      if (i > 0) this.add(separator);
      this.add(item, label);
    });
    return this;
  }

  build(): { text: string; spans: RawSpan[] } {
    const text = this.text.trimEnd();
    return { text, spans: this.spans.filter((span) => span.end <= text.length) };
  }
}
