/**
 * The opentelekomcloud provider's resource docs (../shared/reference/terraform-opentelekomcloud,
 * copied from the provider's docs/resources/) read into what a resource accepts: its arguments,
 * which are required, which are blocks, and the blocks' own arguments.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One documented argument. */
export interface DocArgument {
  name: string;
  required: boolean;
  /** Set when the docs describe it as a block ("The `x` block supports:" / "structure is documented below"). */
  block: DocBlock | undefined;
  /** "Required if the `code_type` is set to **zip** …": the attribute and the values that make it required. */
  requiredIf: { attribute: string; values: string[] } | undefined;
}

/** What a resource or one of its blocks accepts. */
export interface DocBlock {
  arguments: Map<string, DocArgument>;
}

/** One resource doc: the resource's type, where it came from, and what it accepts. */
export interface ResourceDoc {
  type: string;
  file: string;
  schema: DocBlock;
}

const REFERENCE = join('reference', 'terraform-opentelekomcloud');

/**
 * The shared folder beside the clone: CI lays `shared/` next to the repository; a git worktree
 * under `wt/<branch>` has it one level further up. Undefined when neither has the provider docs.
 */
export function findSharedDir(repoRoot: string): string | undefined {
  for (let dir = resolve(repoRoot, '..'), depth = 0; depth < 2; dir = dirname(dir), depth += 1) {
    if (existsSync(join(dir, 'shared', REFERENCE))) return join(dir, 'shared');
  }
  return undefined;
}

const ARGUMENT = /^\* `(\w+)` - \((Required|Optional)?([^)]*)\)(.*)$/;
const BLOCK_SECTION = /^The `(\w+)` block supports:/;

interface RawArgument {
  name: string;
  required: boolean;
  text: string;
}

/** The "## Argument Reference" section, cut into the top level and one list per "The `x` block supports:". */
function argumentLists(markdown: string): Map<string, RawArgument[]> {
  const lists = new Map<string, RawArgument[]>([['', []]]);
  let section = '';
  let inArguments = false;
  let current: RawArgument | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      inArguments = line.trim() === '## Argument Reference';
      current = undefined;
      continue;
    }
    if (!inArguments) continue;
    const blockSection = BLOCK_SECTION.exec(line);
    if (blockSection?.[1]) {
      section = blockSection[1];
      lists.set(section, lists.get(section) ?? []);
      current = undefined;
      continue;
    }
    const argument = ARGUMENT.exec(line);
    if (argument?.[1]) {
      current = { name: argument[1], required: argument[2] === 'Required', text: `${argument[3] ?? ''} ${argument[4] ?? ''}` };
      lists.get(section)?.push(current);
    } else if (current && /^\s+\S/.test(line)) {
      current.text += ` ${line.trim()}`;
    } else if (line.trim() !== '') {
      current = undefined;
    }
  }
  return lists;
}

function requiredIf(text: string): DocArgument['requiredIf'] {
  const match = /Required if the `(\w+)` is set to (.*?)\.(\s|$)/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { attribute: match[1], values: [...match[2].matchAll(/\*\*([^*]+)\*\*/g)].map((value) => value[1] ?? '') };
}

function buildBlock(lists: Map<string, RawArgument[]>, section: string, seen: Set<string>): DocBlock {
  const block: DocBlock = { arguments: new Map() };
  for (const raw of lists.get(section) ?? []) {
    const documentedBelow = /structure is documented below/i.test(raw.text);
    const isBlock = (lists.has(raw.name) && !seen.has(raw.name)) || documentedBelow;
    block.arguments.set(raw.name, {
      name: raw.name,
      required: raw.required,
      // A block documented below without its own list accepts anything: nothing to check it against.
      block: isBlock ? buildBlock(lists, raw.name, new Set([...seen, raw.name])) : undefined,
      requiredIf: requiredIf(raw.text),
    });
  }
  return block;
}

/** Reads one resource doc; undefined when the file has no `# opentelekomcloud_…` title. */
export function readResourceDoc(file: string): ResourceDoc | undefined {
  const markdown = readFileSync(file, 'utf8');
  const type = /^# (opentelekomcloud_\w+)\s*$/m.exec(markdown)?.[1];
  if (!type) return undefined;
  const lists = argumentLists(markdown);
  const schema = buildBlock(lists, '', new Set());
  // "## Timeouts" lists what a `timeouts` block may hold.
  const timeouts = /## Timeouts\n([\s\S]*?)(\n## |$)/.exec(markdown)?.[1];
  if (timeouts) {
    const names = [...timeouts.matchAll(/^\* `(\w+)`/gm)].map((m) => m[1] ?? '');
    const block: DocBlock = { arguments: new Map(names.map((name) => [name, { name, required: false, block: undefined, requiredIf: undefined }])) };
    schema.arguments.set('timeouts', { name: 'timeouts', required: false, block, requiredIf: undefined });
  }
  return { type, file, schema };
}

/** Every resource doc in the shared reference, by resource type. */
export function readProviderDocs(sharedDir: string): Map<string, ResourceDoc> {
  const dir = join(sharedDir, REFERENCE);
  const docs = new Map<string, ResourceDoc>();
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.md'))) {
    const doc = readResourceDoc(join(dir, name));
    if (doc) docs.set(doc.type, doc);
  }
  return docs;
}
