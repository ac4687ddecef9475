// A kid is base64url: one in 64 starts with "-", which commander would read as an (unknown) option.
import { expect } from 'chai';
import { Command } from 'commander';
import { kidsAsPositionals } from '../../src/cli/output.js';

const dashedKid = '-' + 'a'.repeat(42);

describe('cli: kids that start with "-"', () => {
  const parse = (args: string[]) => {
    const revoke = new Command('revoke').argument('<kid>').option('--force').exitOverride().configureOutput({ writeErr: () => undefined });
    revoke.parse(args, { from: 'user' });
    return { args: revoke.args, force: revoke.opts().force as boolean | undefined };
  };

  it('stay positionals next to real options, and an explicit "--" or the value of --kid is left alone', () => {
    expect(() => parse([dashedKid, '--force'])).to.throw(/unknown option/);
    expect(parse(kidsAsPositionals([dashedKid, '--force']))).to.deep.equal({ args: [dashedKid], force: true });
    expect(kidsAsPositionals(['--', dashedKid])).to.deep.equal(['--', dashedKid]);
    expect(kidsAsPositionals(['--force', 'plainkid'])).to.deep.equal(['--force', 'plainkid']);
    expect(kidsAsPositionals(['acknowledge', 'client', '--kid', dashedKid])).to.deep.equal(['acknowledge', 'client', '--kid', dashedKid]);
  });
});
