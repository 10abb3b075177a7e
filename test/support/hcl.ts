/**
 * Terraform files read into blocks and attributes, through tree-sitter's HCL grammar
 * (@tree-sitter-grammars/tree-sitter-hcl, its WebAssembly build, run by web-tree-sitter: no
 * native binary, no download). A syntax tree is needed, not HCL-to-JSON: JSON conversion gives
 * `statement { … }` and `statement = [{ … }]` the same shape, and telling them apart is the point.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

/** An `name = expression` line of a body. */
export interface HclAttribute {
  name: string;
  /** 1-based line, for messages. */
  line: number;
  /** The expression's source text. */
  expression: string;
  /** The value when the expression is a plain quoted string ("zip"), else undefined. */
  literal: string | undefined;
}

/** A `type "label" … { body }` block. */
export interface HclBlock {
  type: string;
  labels: string[];
  line: number;
  body: HclBody;
}

/** What a file or a block holds. */
export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

/** A parsed file: its body, the syntax errors (empty when it parsed cleanly), and its `var.X` references. */
export interface HclFile {
  body: HclBody;
  syntaxErrors: string[];
  variableReferences: Set<string>;
}

let parser: Promise<Parser> | undefined;

function loadParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm');
    const created = new Parser();
    created.setLanguage(await Language.load(wasm));
    return created;
  })();
  return parser;
}

const line = (node: Node): number => node.startPosition.row + 1;

function stringValue(node: Node): string | undefined {
  // "zip" is (expression (literal_value (string_lit start (template_literal) end))).
  const literal = node.type === 'expression' && node.namedChildCount === 1 ? node.namedChild(0) : null;
  const string = literal?.type === 'literal_value' ? literal.namedChild(0) : null;
  if (string?.type !== 'string_lit') return undefined;
  return string.namedChildren.filter((part) => part?.type === 'template_literal').map((part) => part?.text ?? '').join('');
}

function readBody(node: Node | null): HclBody {
  const body: HclBody = { attributes: [], blocks: [] };
  for (const item of node?.namedChildren ?? []) {
    if (item?.type === 'attribute') {
      const [name, expression] = item.namedChildren;
      if (name && expression) body.attributes.push({ name: name.text, line: line(item), expression: expression.text, literal: stringValue(expression) });
    } else if (item?.type === 'block') {
      const parts = item.namedChildren.filter((part): part is Node => part !== null);
      body.blocks.push({
        type: parts[0]?.text ?? '',
        labels: parts.filter((part) => part.type === 'string_lit').map((label) => label.text.slice(1, -1)),
        line: line(item),
        body: readBody(parts.find((part) => part.type === 'body') ?? null),
      });
    }
  }
  return body;
}

function syntaxErrors(root: Node): string[] {
  const errors: string[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) errors.push(`line ${line(node)}: ${node.isMissing ? `missing ${node.type}` : `cannot parse ${JSON.stringify(node.text.slice(0, 60))}`}`);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return errors;
}

function variableReferences(root: Node): Set<string> {
  const names = new Set<string>();
  for (const variable of root.descendantsOfType('variable_expr')) {
    const next = variable?.nextNamedSibling;
    if (variable?.text === 'var' && next?.type === 'get_attr') names.add(next.text.replace(/^\./, ''));
  }
  return names;
}

/** Parses one Terraform file. */
export async function parseHcl(source: string): Promise<HclFile> {
  const tree = (await loadParser()).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const config = tree.rootNode;
    const body = config.namedChildren.find((child) => child?.type === 'body') ?? null;
    return { body: readBody(body), syntaxErrors: syntaxErrors(config), variableReferences: variableReferences(config) };
  } finally {
    tree.delete();
  }
}
