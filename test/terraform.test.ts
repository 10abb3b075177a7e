/**
 * deploy/functiongraph read by a machine: parsed with an HCL parser, checked against the
 * provider's docs in ../shared/reference/terraform-opentelekomcloud and the permission names
 * against OTC's docs; `terraform fmt -check` and a plan of the ledger choice where a terraform
 * binary is on the PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHcl, type HclBlock, type HclFile } from './support/hcl.js';
import { findSharedDir, readProviderDocs } from './support/providerDocs.js';
import { checkTerraform, schemasFromSamples, type Reference } from './support/terraformCheck.js';

const MODULE = join(process.cwd(), 'deploy', 'functiongraph');
const SHARED = findSharedDir(process.cwd());
const TERRAFORM = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'terraform')).find((path) => existsSync(path));
if (!SHARED) console.warn('terraform.test.ts: ../shared/reference/terraform-opentelekomcloud not found beside the clone: the checks against the provider docs are skipped');
if (!TERRAFORM) console.warn('terraform.test.ts: no terraform binary on the PATH: `terraform fmt -check` and the plan of the ledger choice are skipped');

async function parseDir(dir: string): Promise<Map<string, HclFile>> {
  const names = readdirSync(dir).filter((name) => name.endsWith('.tf')).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await parseHcl(readFileSync(join(dir, name), 'utf8'))] as const)));
}

let module: Map<string, HclFile>;
beforeAll(async () => {
  module = await parseDir(MODULE);
});

const blocksOf = (type: string): HclBlock[] => [...module.values()].flatMap((file) => file.body.blocks.filter((block) => block.type === type));
const variable = (name: string): HclBlock | undefined => blocksOf('variable').find((block) => block.labels[0] === name);
const attribute = (block: HclBlock | undefined, name: string) => block?.body.attributes.find((a) => a.name === name);

describe('deploy/functiongraph, parsed', () => {
  it('parses every .tf file without a syntax error', () => {
    expect([...module.keys()]).toEqual(expect.arrayContaining(['iam.tf', 'main.tf', 'variables.tf', 'versions.tf']));
    expect([...module].flatMap(([file, parsed]) => parsed.syntaxErrors.map((error) => `${file}: ${error}`))).toEqual([]);
  });

  it('declares every variable it reads, and reads every variable it declares', () => {
    const declared = new Set(blocksOf('variable').map((block) => block.labels[0]));
    const read = new Set([...module.values()].flatMap((file) => [...file.variableReferences]));
    expect([...read].filter((name) => !declared.has(name))).toEqual([]);
    expect([...declared].filter((name) => name !== undefined && !read.has(name))).toEqual([]);
  });

  it('asks for the ledger choice: ledger_url or no_ledger = true, with nothing in between', () => {
    // The plan below proves the behaviour where terraform is on the PATH; this is the shape.
    expect(attribute(variable('ledger_url'), 'default')?.expression).toBe('null');
    const noLedger = variable('no_ledger');
    expect(attribute(noLedger, 'default')?.expression).toBe('false');
    const rule = noLedger?.body.blocks.find((block) => block.type === 'validation');
    expect(attribute(rule, 'condition')?.expression).toBe('var.no_ledger != (var.ledger_url != null)');
    expect(attribute(rule, 'error_message')?.literal).toMatch(/^Choose the retry ledger: set ledger_url .* or set no_ledger = true .* never escalated/);
    const urlRule = variable('ledger_url')?.body.blocks.find((block) => block.type === 'validation');
    expect(attribute(urlRule, 'condition')?.expression).toContain('regex("^postgres(ql)?://", var.ledger_url)');
    expect(attribute(blocksOf('terraform')[0], 'required_version')?.literal).toBe('>= 1.9');
  });

  it('states the timeout range its own validation checks', () => {
    const timeout = variable('timeout_seconds');
    const [, from, to] = /\((\d+) to (\d+) s\)/.exec(attribute(timeout, 'description')?.literal ?? '') ?? [];
    const condition = attribute(timeout?.body.blocks.find((block) => block.type === 'validation'), 'condition')?.expression;
    expect(condition).toBe(`var.timeout_seconds >= ${from} && var.timeout_seconds <= ${to}`);
  });
});

describe.skipIf(!SHARED)('deploy/functiongraph against the provider docs and OTC permission docs', () => {
  let reference: Reference;
  beforeAll(async () => {
    const shared = SHARED ?? '';
    reference = {
      docs: readProviderDocs(shared),
      // The LTS group and stream have no provider doc here; OTC's own FunctionGraph sample uses them.
      samples: schemasFromSamples(await parseDir(join(shared, 'reference', 'functiongraph-runtime', 'terraform-timer'))),
    };
  });

  it('uses only documented resource types and arguments, blocks as blocks, with every required argument set', () => {
    expect(checkTerraform(module, reference)).toEqual([]);
    // The resources the deployment is made of are checked against the provider docs, not the sample.
    for (const type of ['opentelekomcloud_fgs_function_v2', 'opentelekomcloud_fgs_trigger_v2', 'opentelekomcloud_identity_agency_v3', 'opentelekomcloud_identity_role_v3']) {
      expect(reference.docs.get(type)?.schema.arguments.size, type).toBeGreaterThan(3);
    }
  });

  it.each([
    ['an unknown argument', 'main.tf', '  handler       = "index.handler"\n', '  handler       = "index.handler"\n  handler_name  = "index.handler"\n', /handler_name is not an argument in .*fgs_function_v2\.md/],
    ['a block written as an attribute', 'iam.tf', / {2}project_role \{\n([^}]*)\n {2}\}/, '  project_role = [{\n$1\n  }]', /project_role is a block in .*identity_agency_v3\.md: write project_role \{ … \}/],
    ['an attribute written as a block', 'main.tf', '  runtime       = "Node.js20.15"\n', '  runtime {\n    name = "Node.js20.15"\n  }\n', /runtime is an attribute in .*fgs_function_v2\.md/],
    ['a missing required argument', 'main.tf', / {2}handler += "index\.handler"\n/, '', /the required argument handler is not set/],
    ['a missing required argument of a block', 'iam.tf', / {4}project = var\.project_name\n {4}roles += local\.agency_roles\n/, '    project = var.project_name\n', /project_role: the required argument roles is not set/],
    ['an argument required by code_type = "zip"', 'main.tf', / {2}code_filename = basename\(var\.zip_path\)\n/, '', /code_filename is required when code_type is "zip"/],
  ])('finds %s', async (_what, file, from, to, problem) => {
    const source = readFileSync(join(MODULE, file), 'utf8');
    const planted = source.replace(from, to);
    expect(planted).not.toBe(source);
    const files = new Map(module);
    files.set(file, await parseHcl(planted));
    const problems = checkTerraform(files, reference);
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  it('finds a syntax error', async () => {
    const files = new Map(module);
    files.set('logs.tf', await parseHcl(readFileSync(join(MODULE, 'logs.tf'), 'utf8').replace('ttl_in_days = var.log_ttl_days', 'ttl_in_days = ')));
    expect(checkTerraform(files, reference)[0]).toMatch(/^logs\.tf: line \d+: (cannot parse|missing)/);
  });

  it('keeps the IAM resources on a provider without tenant_name (identity_agency_v3.md: "It can not set tenant_name")', () => {
    const iamProvider = blocksOf('provider').find((block) => attribute(block, 'alias')?.literal === 'iam');
    expect(iamProvider).toBeDefined();
    expect(attribute(iamProvider, 'tenant_name')).toBeUndefined();
    const iamResources = blocksOf('resource').filter((block) => /^opentelekomcloud_identity_/.test(block.labels[0] ?? ''));
    expect(iamResources.map((block) => attribute(block, 'provider')?.expression)).toEqual(iamResources.map(() => 'opentelekomcloud.iam'));
  });

  it('grants only permissions that OTC docs name, the three DRS actions and no create, modify, stop or delete on DRS', () => {
    const docs = ['drs/permissions_management.rst', 'functiongraph/configuring_agency_permissions.rst']
      .map((file) => readFileSync(join(SHARED ?? '', 'reference', 'otc-docs', file), 'utf8'))
      .join('\n');
    const iam = readFileSync(join(MODULE, 'iam.tf'), 'utf8');
    const dependencies = attribute(variable('drs_dependency_policies'), 'default')?.expression ?? '';
    const strings = [...`${iam}\n${dependencies}`.matchAll(/"([^"\n$]+)"/g)].map((m) => m[1] ?? '');
    const actions = strings.filter((s) => /^[a-z]+:\w+:\w+$/.test(s));
    const policies = strings.filter((s) => /^[A-Z]{2,}( [A-Za-z]+)+$/.test(s) || /^[A-Z]{2,} \w+$/.test(s));
    expect(policies).toEqual(expect.arrayContaining(['RDS ReadOnlyAccess', 'VPC FullAccess', 'DRS FullWithOutDeletePermission']));
    expect([...actions, ...policies].filter((name) => !docs.includes(name))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('drs:'))).toEqual(['drs:migrationJob:list', 'drs:migrationJob:get', 'drs:migrationJob:action']);
  });
});

describe.skipIf(!TERRAFORM)('terraform on the PATH', () => {
  // No checkpoint call to HashiCorp: nothing may leave the machine.
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const terraform = (args: string[], cwd: string, extra: Record<string, string> = {}) =>
    spawnSync(TERRAFORM ?? 'terraform', args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });

  it('finds the files formatted (terraform fmt -check)', () => {
    const result = terraform(['fmt', '-check', '-diff', '-no-color'], MODULE);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  describe('a plan of variables.tf (no provider needed, so it runs offline)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'drs-tf-'));
      copyFileSync(join(MODULE, 'variables.tf'), join(dir, 'variables.tf'));
      execFileSync(TERRAFORM ?? 'terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const plan = (vars: string[], extra: Record<string, string> = {}) =>
      terraform(['plan', '-input=false', '-no-color', '-var', 'domain_name=OTC-EU-DE-1', '-var', 'project_name=eu-de', ...vars.flatMap((v) => ['-var', v])], dir, extra);

    it('fails without ledger_url or no_ledger, and says what to choose', () => {
      const result = plan([]);
      expect(result.status).toBe(1);
      expect(result.stderr.replace(/\s*│\s*/g, ' ')).toContain('Choose the retry ledger: set ledger_url');
    });

    it('fails with both, and with an empty ledger_url', () => {
      expect(plan(['no_ledger=true'], { TF_VAR_ledger_url: 'postgres://u:p@db:5432/drs' }).status).toBe(1);
      const empty = plan([], { TF_VAR_ledger_url: '' });
      expect(empty.status).toBe(1);
      expect(empty.stderr.replace(/\s*│\s*/g, ' ')).toContain('ledger_url must be a postgres:// or postgresql:// URL');
    });

    it('passes with a ledger_url, or with no_ledger = true', () => {
      expect(plan([], { TF_VAR_ledger_url: 'postgres://u:p@db:5432/drs' }).status).toBe(0);
      expect(plan(['no_ledger=true']).status).toBe(0);
    });
  });
});
