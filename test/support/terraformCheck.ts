/**
 * Checks Terraform files against the provider's resource docs: every resource type has a doc,
 * every argument exists, blocks are written as blocks and attributes as attributes, and every
 * required argument (also "required if `x` is set to …") is set. Returns the problems in words.
 */
import type { HclBlock, HclBody, HclFile } from './hcl.js';
import type { DocBlock, ResourceDoc } from './providerDocs.js';

// Terraform's own meta-arguments, valid in every resource (Terraform language, not the provider).
const META_ATTRIBUTES = new Set(['provider', 'count', 'for_each', 'depends_on']);
const META_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);

/** Where each resource type's rules come from: its provider doc, or (for a type the docs lack) OTC's sample. */
export interface Reference {
  docs: Map<string, ResourceDoc>;
  /** Schemas taken from OTC's own sample files, for types with no provider doc here. */
  samples: Map<string, ResourceDoc>;
}

/** A `dynamic "x" { content { … } }` block stands for blocks `x` with the content's body. */
function written(body: HclBody): { attributes: HclBody['attributes']; blocks: { name: string; line: number; body: HclBody }[] } {
  const blocks = body.blocks.map((block) =>
    block.type === 'dynamic'
      ? { name: block.labels[0] ?? '', line: block.line, body: block.body.blocks.find((inner) => inner.type === 'content')?.body ?? { attributes: [], blocks: [] } }
      : { name: block.type, line: block.line, body: block.body },
  );
  return { attributes: body.attributes, blocks };
}

function checkBody(body: HclBody, schema: DocBlock, where: string, source: string, topLevel: boolean, problems: string[]): void {
  if (schema.arguments.size === 0) return;
  const { attributes, blocks } = written(body);
  for (const attribute of attributes) {
    if (topLevel && META_ATTRIBUTES.has(attribute.name)) continue;
    const argument = schema.arguments.get(attribute.name);
    if (!argument) problems.push(`${where}, line ${attribute.line}: ${attribute.name} is not an argument in ${source}`);
    else if (argument.block) problems.push(`${where}, line ${attribute.line}: ${attribute.name} is a block in ${source}: write ${attribute.name} { … }, not ${attribute.name} = …`);
  }
  for (const block of blocks) {
    if (topLevel && META_BLOCKS.has(block.name)) continue;
    const argument = schema.arguments.get(block.name);
    if (!argument) problems.push(`${where}, line ${block.line}: ${block.name} is not an argument in ${source}`);
    else if (!argument.block) problems.push(`${where}, line ${block.line}: ${block.name} is an attribute in ${source}: write ${block.name} = …, not ${block.name} { … }`);
    else checkBody(block.body, argument.block, `${where} ${block.name}`, source, false, problems);
  }
  const set = new Set([...attributes.map((a) => a.name), ...blocks.map((b) => b.name)]);
  for (const argument of schema.arguments.values()) {
    if (set.has(argument.name)) continue;
    if (argument.required) problems.push(`${where}: the required argument ${argument.name} is not set (${source})`);
    const condition = argument.requiredIf;
    const value = condition && attributes.find((a) => a.name === condition.attribute)?.literal;
    if (condition && value !== undefined && condition.values.includes(value)) {
      problems.push(`${where}: ${argument.name} is required when ${condition.attribute} is "${value}" (${source}), and is not set`);
    }
  }
}

/** Every `resource` and `data` block of the files, with the file it is in. */
function resourcesOf(files: Map<string, HclFile>): { file: string; block: HclBlock }[] {
  return [...files].flatMap(([file, parsed]) =>
    parsed.body.blocks.filter((block) => block.type === 'resource' || block.type === 'data').map((block) => ({ file, block })),
  );
}

/** All problems of the files against the reference; empty when they agree. */
export function checkTerraform(files: Map<string, HclFile>, reference: Reference): string[] {
  const problems: string[] = [];
  for (const [file, parsed] of files) problems.push(...parsed.syntaxErrors.map((error) => `${file}: ${error}`));
  for (const { file, block } of resourcesOf(files)) {
    const [type = '', name = ''] = block.labels;
    const where = `${file}: ${block.type} ${type}.${name}`;
    if (block.type === 'data') {
      problems.push(`${where}: no data-source docs in the reference; add them before using a data source`);
      continue;
    }
    const doc = reference.docs.get(type) ?? reference.samples.get(type);
    if (!doc) {
      problems.push(`${where}: no doc for this resource type in the reference`);
      continue;
    }
    checkBody(block.body, doc.schema, where, doc.file, true, problems);
  }
  return problems;
}

/**
 * A stand-in schema for resource types the provider docs here lack, from OTC's own sample
 * Terraform: the arguments the sample sets, written as it writes them (attribute or block).
 * Nothing is known to be required, so only names and shapes are checked.
 */
export function schemasFromSamples(files: Map<string, HclFile>): Map<string, ResourceDoc> {
  const schemas = new Map<string, ResourceDoc>();
  for (const { file, block } of resourcesOf(files)) {
    const type = block.labels[0] ?? '';
    const doc = schemas.get(type) ?? { type, file: `OTC's sample ${file} (no provider doc here)`, schema: { arguments: new Map() } };
    const args = doc.schema.arguments;
    for (const attribute of block.body.attributes) {
      if (!META_ATTRIBUTES.has(attribute.name)) args.set(attribute.name, { name: attribute.name, required: false, block: undefined, requiredIf: undefined });
    }
    for (const inner of block.body.blocks) {
      if (!META_BLOCKS.has(inner.type)) args.set(inner.type, { name: inner.type, required: false, block: { arguments: new Map() }, requiredIf: undefined });
    }
    schemas.set(type, doc);
  }
  return schemas;
}
