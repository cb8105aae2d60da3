/**
 * Finds words written straight into the studio's UI instead of coming from the messages (i18n):
 * JSX text, and string or template literals given to the props that show text (label, title,
 * placeholder, aria-label, helperText, alt, primary, secondary, message, ...). Uses the TypeScript
 * parser, so comments and code are never mistaken for text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Props whose value is shown to users (or read to them by a screen reader). */
export const TEXT_PROPS = new Set([
  'label',
  'title',
  'placeholder',
  'aria-label',
  'aria-valuetext',
  'helperText',
  'alt',
  'primary',
  'secondary',
  'message',
  'empty',
  'help',
  'text',
  'description',
]);

/** Letters of any script we write (Latin, CJK): a string without one (× · 1:1 …) is not a word. */
const WORD = /[A-Za-z\u3400-\u9fff]/;

export interface UiString {
  file: string;
  line: number;
  text: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'locales') out.push(...sourceFiles(full));
    } else if (name.endsWith('.tsx')) out.push(full);
  }
  return out;
}

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return null;
}

/** Every hard-coded UI word in `.tsx` files under `dir` (relative file names). */
export function hardCodedUiStrings(dir: string, root = dir): UiString[] {
  const found: UiString[] = [];
  for (const file of sourceFiles(dir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const add = (node: ts.Node, text: string) => {
      if (!WORD.test(text) || /^https?:\/\/\S+$/.test(text.trim())) return;
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ file: path.relative(root, file), line: line + 1, text: text.trim().slice(0, 80) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isJsxText(node)) add(node, node.text);
      else if (ts.isJsxAttribute(node) && TEXT_PROPS.has(node.name.getText(source)) && node.initializer) {
        const init = node.initializer;
        const expr = ts.isJsxExpression(init) ? init.expression : init;
        if (expr) {
          // a literal, or either branch of a condition
          const candidates = ts.isConditionalExpression(expr) ? [expr.whenTrue, expr.whenFalse] : [expr];
          for (const c of candidates) {
            const text = literalText(c);
            if (text !== null) add(c, text);
          }
        }
      } else if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent)) && node.expression) {
        // {'text'} or {`text ${x}`} or {cond ? 'a' : 'b'} as a child
        const e = node.expression;
        const candidates = ts.isConditionalExpression(e) ? [e.whenTrue, e.whenFalse] : ts.isBinaryExpression(e) ? [e.right] : [e];
        for (const c of candidates) {
          const text = literalText(c);
          if (text !== null) add(c, text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * Every hard-coded message of the CLI in `.ts` files under `dir` (locales/ excepted): string or
 * template literals with words given to console.*, to a stream's write(), or as the message of a
 * `new GlimmerError(code, message)`.
 */
export function hardCodedCliStrings(dir: string, root = dir): UiString[] {
  const found: UiString[] = [];
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))
    .map((n) => path.join(dir, n));
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const check = (node: ts.Node) => {
      const text = literalText(node)?.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '') ?? null;
      if (text === null || !WORD.test(text)) return;
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ file: path.relative(root, file), line: line + 1, text: text.trim().slice(0, 80) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const target = node.expression.expression.getText(source);
        const name = node.expression.name.text;
        if ((target === 'console' && ['log', 'error', 'warn', 'info'].includes(name)) || name === 'write') node.arguments.forEach(check);
      } else if (ts.isNewExpression(node) && node.expression.getText(source) === 'GlimmerError' && node.arguments?.[1]) {
        check(node.arguments[1]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
