// Dynamic imports whose path is computed, such as import(`./models/${name}.js`), are invisible to
// TypeScript's import pre-processor. Like a bundler's context modules, each one whose path starts
// with a local directory is taken to reach every module it could name there, so editing any of
// them makes the stage stale instead of silently keeping its old results.
import type { ImportRef } from './stat-cache.js';

type TypeScript = typeof import('typescript');
type Node = import('typescript').Node;

/** Cheap pre-check: most modules have no call with a non-literal argument. */
const MAYBE_COMPUTED = /\b(?:import|require)\s*\(\s*[^'"\s)]/;

/**
 * `[prefix, line, col, suffix]` for each import()/require() whose argument is a template or a
 * `+` concatenation beginning with a local path (`./`, `../`); fully opaque arguments and
 * package names are not followed. `argumentStarts`: where each such argument begins, for the
 * pre-processor's reading of `'./dir/' + name` as an import of './dir/' to be dropped.
 */
export function computedImports(ts: TypeScript, fileName: string, text: string): { refs: ImportRef[]; argumentStarts: Set<number> } {
  const refs: ImportRef[] = [];
  const argumentStarts = new Set<number>();
  if (!MAYBE_COMPUTED.test(text)) return { refs, argumentStarts };
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const visit = (node: Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length > 0 && isImportCall(ts, node.expression)) {
      const argument = node.arguments[0]!;
      const parts = staticParts(ts, argument);
      if (parts !== undefined) argumentStarts.add(argument.getStart(source));
      if (parts !== undefined && (parts.prefix.startsWith('./') || parts.prefix.startsWith('../'))) {
        const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
        refs.push([parts.prefix, line + 1, character + 1, parts.suffix]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { refs, argumentStarts };
}

function isImportCall(ts: TypeScript, callee: Node): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** The literal text before and after the computed part, or undefined when nothing leads it. */
function staticParts(ts: TypeScript, argument: Node): { prefix: string; suffix: string } | undefined {
  if (ts.isTemplateExpression(argument)) {
    const last = argument.templateSpans[argument.templateSpans.length - 1];
    return { prefix: argument.head.text, suffix: last?.literal.text ?? '' };
  }
  if (ts.isBinaryExpression(argument) && argument.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const operands = flattenSum(ts, argument);
    const first = operands[0];
    const last = operands[operands.length - 1];
    if (first === undefined || !ts.isStringLiteralLike(first)) return undefined;
    return { prefix: first.text, suffix: last !== undefined && last !== first && ts.isStringLiteralLike(last) ? last.text : '' };
  }
  return undefined;
}

function flattenSum(ts: TypeScript, node: Node): Node[] {
  if (ts.isParenthesizedExpression(node)) return flattenSum(ts, node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...flattenSum(ts, node.left), ...flattenSum(ts, node.right)];
  return [node];
}
