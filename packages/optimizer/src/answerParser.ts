// Turns a model answer into strategy code: extracts the one fenced ```ts block, checks with the
// TypeScript parser that it is one object-literal expression, and rejects forbidden constructs
// (imports, require, process, globalThis, eval, Function, fetch) naming them.

import { loadTypeScript } from "./typeScriptLoader";

/** Identifiers a generated strategy may not mention: module loading, process control, dynamic code, I/O. */
export const FORBIDDEN_IDENTIFIERS: ReadonlyArray<string> = [
  "require",
  "process",
  "globalThis",
  "global",
  "eval",
  "Function",
  "fetch",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "XMLHttpRequest",
  "WebSocket",
  "setTimeout",
  "setInterval",
  "setImmediate",
];

/** A parsed answer: the object literal and its properties, or the reason it was rejected. */
export type ParsedAnswer =
  | {
      ok: true;
      /** The object literal, trimmed. */
      code: string;
      /** The literal's properties (source text) except strategyName and note. */
      properties: string[];
      /** The literal's `note` property when it is a plain string. */
      note: string | undefined;
    }
  | { ok: false; reason: string; diagnostics: string[] };

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)```/g;
const CODE_LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "tsx", ""]);

/**
 * Parses a model answer against the contract: exactly one fenced code block holding one object literal,
 * without forbidden constructs.
 * @example const parsed = await parseStrategyAnswer("```ts\n{ interval: \"15m\", getSignal: async () => null }\n```");
 */
export async function parseStrategyAnswer(answer: string): Promise<ParsedAnswer> {
  const blocks = [...answer.matchAll(FENCE)].filter((match) =>
    CODE_LANGUAGES.has((match[1] ?? "").toLowerCase()),
  );
  if (blocks.length === 0) {
    return {
      ok: false,
      reason: "no code block: the answer must hold one fenced ```ts block with an object literal",
      diagnostics: [],
    };
  }
  if (blocks.length > 1) {
    return {
      ok: false,
      reason: `${blocks.length} code blocks: the answer must hold exactly one fenced \`\`\`ts block`,
      diagnostics: [],
    };
  }
  const code = (blocks[0]?.[2] ?? "").trim().replace(/;$/, "");
  if (code === "") return { ok: false, reason: "the code block is empty", diagnostics: [] };
  const ts = await loadTypeScript();
  // Forbidden constructs first, on the raw block parsed as a module, so `import …` is named as such
  // rather than reported as a syntax error of the expression.
  const raw = ts.createSourceFile("answer-raw.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const forbidden = new Set<string>();
  let importsOnly = true;
  const visit = (node: import("typescript").Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) forbidden.add("import");
    else if (node.kind === ts.SyntaxKind.ImportKeyword) forbidden.add("import");
    else if (ts.isMetaProperty(node)) forbidden.add("import.meta");
    else if (!importsOnly && ts.isIdentifier(node) && FORBIDDEN_IDENTIFIERS.includes(node.text)) {
      // A property name (`{ process: 1 }`, `x.fetch`) is not a reference to the global.
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node);
      if (!isPropertyName) forbidden.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  const forbiddenAnswer = (): ParsedAnswer | undefined => {
    if (forbidden.size === 0) return undefined;
    const names = [...forbidden].sort();
    return {
      ok: false,
      reason: `forbidden construct${names.length > 1 ? "s" : ""}: ${names.join(", ")} (a strategy may use only getCandles, getCandleColumns, getAveragePrice and plain JavaScript)`,
      diagnostics: [],
    };
  };
  visit(raw);
  const importAnswer = forbiddenAnswer();
  if (importAnswer !== undefined) return importAnswer;
  // Parenthesised so `{ … }` parses as an expression, not a block statement.
  const text = `(\n${code}\n);`;
  const source = ts.createSourceFile("answer.ts", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const syntax =
    (source as unknown as { parseDiagnostics?: import("typescript").Diagnostic[] }).parseDiagnostics ?? [];
  if (syntax.length > 0) {
    return {
      ok: false,
      reason: "syntax error in the code block",
      diagnostics: syntax.slice(0, 5).map((diagnostic) => {
        const line =
          diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
        return `line ${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      }),
    };
  }
  const statement = source.statements.length === 1 ? source.statements[0] : undefined;
  let expression =
    statement !== undefined && ts.isExpressionStatement(statement) ? statement.expression : undefined;
  while (expression !== undefined && ts.isParenthesizedExpression(expression))
    expression = expression.expression;
  if (expression === undefined || !ts.isObjectLiteralExpression(expression)) {
    const kind = expression === undefined ? "statements" : ts.SyntaxKind[expression.kind];
    return {
      ok: false,
      reason: `the code block must be one object-literal expression, found ${kind}`,
      diagnostics: [],
    };
  }
  // The identifiers, on the expression itself (a property name is not a reference to the global).
  importsOnly = false;
  visit(expression);
  const identifierAnswer = forbiddenAnswer();
  if (identifierAnswer !== undefined) return identifierAnswer;
  let note: string | undefined;
  const properties: string[] = [];
  for (const property of expression.properties) {
    const name =
      property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
        ? property.name.text
        : undefined;
    if (
      name === "note" &&
      ts.isPropertyAssignment(property) &&
      ts.isStringLiteralLike(property.initializer)
    ) {
      note = property.initializer.text;
      continue;
    }
    if (name === "strategyName" || name === "note") continue;
    properties.push(dedent(text.slice(property.getStart(source), property.getEnd())));
  }
  return { ok: true, code: expression.getText(source), properties, note };
}

/** Removes the common indentation of the second and later lines (the first starts at the property). */
function dedent(text: string): string {
  const lines = text.split("\n");
  const rest = lines.slice(1).filter((line) => line.trim() !== "");
  const widths = rest.map((line) => line.length - line.trimStart().length);
  const last = lines.length > 1 ? (lines[lines.length - 1] ?? "") : "";
  // The closing line (`},`) sits at the property's own indentation.
  const base = last.trim() === "" ? 0 : last.length - last.trimStart().length;
  const strip = widths.length === 0 ? 0 : Math.min(base, ...widths);
  return [
    lines[0] ?? "",
    ...lines.slice(1).map((line) => line.slice(Math.min(strip, line.length - line.trimStart().length))),
  ].join("\n");
}
