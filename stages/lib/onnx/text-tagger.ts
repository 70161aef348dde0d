// Free text → entities with character offsets, using an exported model and its own metadata.
import { tokenize } from '../data/tokenize.js';
import { extractEntities } from '../metrics/entities.js';
import { parseModelMetadata, type ModelMetadata } from './model-metadata.js';
import { tagSequences } from './ort-tagger.js';
import { createSession, type OrtSession } from './session.js';

export interface PredictedEntity {
  readonly type: string;
  readonly text: string;
  /** UTF-16 offsets into the input text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Mean probability of the entity's tags. */
  readonly score: number;
}

export interface PredictionResult {
  readonly entities: PredictedEntity[];
}

export class TextTagger {
  private constructor(
    private readonly session: OrtSession,
    readonly metadata: ModelMetadata,
  ) {}

  static async load(model: Uint8Array): Promise<TextTagger> {
    const metadata = parseModelMetadata(model);
    if (metadata.preprocessing.tokenizer !== 'dagmake-rules-v1') {
      throw new Error(`model expects tokenizer '${metadata.preprocessing.tokenizer}', which this version does not provide`);
    }
    return new TextTagger(await createSession(model), metadata);
  }

  async predictMany(texts: readonly string[]): Promise<PredictionResult[]> {
    const tokenized = texts.map((text) => tokenize(text));
    const { tags, scores } = await tagSequences(
      this.session,
      this.metadata.vocab,
      tokenized.map((t) => t.tokens),
      { tagNames: this.metadata.labels, maxLength: this.metadata.preprocessing.maxLength },
    );
    return texts.map((text, i) => {
      const { offsets } = tokenized[i]!;
      const tokenScores = scores[i]!;
      const entities = extractEntities(tags[i]!).map((entity) => {
        const start = offsets[entity.start]![0];
        const end = offsets[entity.end - 1]![1];
        let sum = 0;
        for (let t = entity.start; t < entity.end; t++) sum += tokenScores[t]!;
        return { type: entity.type, text: text.slice(start, end), start, end, score: sum / (entity.end - entity.start) };
      });
      return { entities };
    });
  }

  async predict(text: string): Promise<PredictionResult> {
    const [result] = await this.predictMany([text]);
    return result!;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
