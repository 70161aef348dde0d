// A parsed YAML file that remembers where every node came from, so that problems found in the
// plain JS value can be reported at file:line:col.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic, SourceLocation } from '../errors.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  readonly displayPath: string;
  /** The document as plain JS (undefined for an empty document). */
  readonly value: unknown;
  /** Position of the value at `path`; of its key with `which: 'key'`. Falls back to the nearest existing parent. */
  locate(path: YamlPath, which?: 'key' | 'value'): SourceLocation;
}

interface Found {
  readonly key?: Node;
  readonly value?: Node;
}

export function parseYamlSource(text: string, displayPath: string): { source?: YamlSource; errors: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): SourceLocation => ({ file: displayPath, ...lineCounter.linePos(offset) });

  if (doc.errors.length > 0) return { errors: syntaxDiagnostics(doc, text, at) };

  const locate = (path: YamlPath, which: 'key' | 'value' = 'value'): SourceLocation => {
    let found: Found = { value: doc.contents ?? undefined };
    for (const segment of path) {
      const next = child(doc, found.value, segment);
      if (!next) break;
      found = next;
    }
    const node = which === 'key' || isEmpty(found.value) ? (found.key ?? found.value) : found.value;
    return at(node?.range?.[0] ?? 0);
  };
  return { source: { displayPath, value: doc.toJS({ maxAliasCount: 10_000 }), locate }, errors: [] };
}

/**
 * Pairs of each map by key text, built on the first lookup in that map: every stage, dep and out
 * is located, and scanning the stages map for each made loading a large pipeline quadratic.
 */
type PairIndex = Map<string, Found>;
const pairIndexes = new WeakMap<YAMLMap, PairIndex>();

function pairIndex(map: YAMLMap): PairIndex {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) {
      if (!isPair(p)) continue;
      const key = keyText(p.key);
      // The first pair with a key wins, as a scan from the start would find it.
      if (key !== undefined && !index.has(key)) index.set(key, { key: p.key as Node, value: (p.value ?? undefined) as Node | undefined });
    }
    pairIndexes.set(map, index);
  }
  return index;
}

function child(doc: Document, node: Node | undefined, segment: string | number): Found | undefined {
  const target = isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
  if (isMap(target)) return pairIndex(target).get(String(segment));
  if (isSeq(target) && typeof segment === 'number') {
    const item = target.items[segment] as Node | undefined;
    return item ? { value: item } : undefined;
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

// `key:` with nothing after it yields an empty null scalar placed after the line end.
function isEmpty(node: Node | undefined): boolean {
  return !node?.range || node.range[0] === node.range[1];
}

function syntaxDiagnostics(doc: Document, text: string, at: (offset: number) => SourceLocation): Diagnostic[] {
  const seenLines = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const location = at(error.pos[0]);
    // One parse error derails the parser for the rest of the line; the first one is the cause.
    if (seenLines.has(location.line)) continue;
    seenLines.add(location.line);
    const duplicate = error.code === 'DUPLICATE_KEY' ? duplicateKey(doc, error.pos[0], at) : undefined;
    if (duplicate) {
      diagnostics.push({ ...duplicate, location });
      continue;
    }
    const line = text.split(/\r?\n/)[location.line - 1] ?? '';
    const hint = /[[{]/.test(line) && line.includes('${')
      ? 'inside [...] or {...} a "${var}" must be quoted, e.g. ["config/${name}.yaml"]'
      : 'check the indentation and quoting around this position';
    diagnostics.push({ message: `invalid YAML: ${firstSentence(error.message)}`, location, hint });
  }
  return diagnostics;
}

function firstSentence(message: string): string {
  const head = message.split(/ at line \d+, column \d+/)[0] ?? message;
  return head.split('\n')[0]!.trim();
}

/**
 * The parser says only "Map keys must be unique": name the key and where it was first given. In
 * the stages map it is a stage defined twice, mostly a copied stage left with its old name.
 */
function duplicateKey(doc: Document, offset: number, at: (offset: number) => SourceLocation): Omit<Diagnostic, 'location'> | undefined {
  let found: Omit<Diagnostic, 'location'> | undefined;
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      const map = ancestors[ancestors.length - 1];
      const name = keyText(pair.key)!;
      const first = isMap(map) ? map.items.find((p) => isPair(p) && keyText(p.key) === name) : undefined;
      const firstAt = first && isScalar(first.key) ? at(first.key.range?.[0] ?? 0) : undefined;
      const where = firstAt ? `${firstAt.file}:${firstAt.line}:${firstAt.col}` : 'earlier in the same map';
      const owner = ancestors[ancestors.length - 2];
      const isStage = isPair(owner) && keyText(owner.key) === 'stages' && ancestors[ancestors.length - 3] === doc.contents;
      found = isStage
        ? { message: `stage "${name}" is defined twice`, hint: `the first definition is at ${where}; rename one of them (stage names are unique)` }
        : { message: `key "${name}" is given twice in the same map`, hint: `the first is at ${where}; keep one of them` };
      return visit.BREAK;
    },
  });
  return found;
}
