// A kid is base64url: one in 64 starts with "-", which node's parseArgs would read as an option.
import { expect } from 'chai';
import { parseArgs } from 'node:util';
import { kidsAsPositionals } from '../../src/cli/output.js';

const dashedKid = '-' + 'a'.repeat(42);

describe('cli: kids that start with "-"', () => {
  it('stay positionals next to real options, and an explicit "--" is left alone', () => {
    const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, strict: true, options: { force: { type: 'boolean' } } });
    expect(() => parse([dashedKid, '--force'])).to.throw();
    const { positionals, values } = parse(kidsAsPositionals([dashedKid, '--force']));
    expect(positionals).to.deep.equal([dashedKid]);
    expect(values.force).to.equal(true);
    expect(kidsAsPositionals(['--', dashedKid])).to.deep.equal(['--', dashedKid]);
    expect(kidsAsPositionals(['--force', 'plainkid'])).to.deep.equal(['--force', 'plainkid']);
  });
});
