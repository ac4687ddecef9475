// External tools the tests check fedmeta's output with (xmlsec1, xmllint with the OASIS schemas,
// openssl). A test that uses one must first call requireTool(this, tool) — in the test or in a `before`
// hook of its suite: on a machine without the tool it is then skipped with the reason printed (and fails
// where optional tools are required). The helpers that run a tool call usedTool(), which fails the test
// at once when it did not require that tool, so a test can never skip (or pass) for the wrong reason,
// e.g. check for xmlsec1 and then run xmllint.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { skipBecause } from './optional.js';

export type Tool = 'xmlsec1' | 'xmllint' | 'openssl';

/** Where xmllint's schemas come from: Debian's opensaml-schemas and xmltooling-schemas. */
const SCHEMA_DIRS = ['/usr/share/xml/opensaml', '/usr/share/xml/xmltooling'];

const PROBES: Record<Tool, { args: string[]; package: string }> = {
  xmlsec1: { args: ['--version'], package: 'xmlsec1' },
  xmllint: { args: ['--version'], package: 'libxml2-utils' },
  openssl: { args: ['version'], package: 'openssl' },
};

const REQUIRED = Symbol('fedmeta required tools');
type Marked = { [REQUIRED]?: Set<Tool>; parent?: Marked };

let current: Marked | undefined;
// A root hook (registered when the first test file imports this module): remembers the running test.
if (typeof beforeEach === 'function') {
  beforeEach(function () {
    current = this.currentTest as unknown as Marked;
  });
}

/** Skips the test (or the suite, from a `before` hook) when a tool is missing, saying which and from which Debian package. */
export function requireTool(context: Mocha.Context, tool: Tool): void {
  const probe = spawnSync(tool, PROBES[tool].args);
  if (probe.error !== undefined) skipBecause(context, `${tool} is not installed (Debian package ${PROBES[tool].package}: ${probe.error.message})`);
  if (tool === 'xmllint') {
    const missing = SCHEMA_DIRS.find((dir) => !existsSync(dir));
    if (missing) skipBecause(context, `the OASIS SAML schemas are not installed (${missing} is missing: Debian packages opensaml-schemas, xmltooling-schemas)`);
  }
  // In a test: that test; in a hook: the suite it belongs to (and so every test in it). (In a hook,
  // this.currentTest may still name an earlier test: contexts inherit from their parent's.)
  const runnable = context.test as unknown as (Marked & { type?: string }) | undefined;
  const owner = runnable?.type === 'hook' ? runnable.parent : runnable;
  if (owner) (owner[REQUIRED] ??= new Set()).add(tool);
}

/** Called by the helpers that run `tool`: fails when the running test did not require it first. */
export function usedTool(tool: Tool): void {
  for (let node = current; node; node = node.parent) if (node[REQUIRED]?.has(tool)) return;
  if (current) throw new Error(`this test runs ${tool} without requireTool(this, '${tool}') first: on a machine without ${tool} it would fail instead of skipping with the reason`);
}
