// Auth0's user search `q`, parsed without backtracking regexes: each supported form gives the filter
// the store compiles; everything outside the subset is a 400 invalid_query_string, never a guess.
import { expect } from 'chai';
import { parseUserQuery, QUERY_LIMITS, type UserFilter } from '../../../src/users/query.js';
import { FedmetaError } from '../../../src/errors.js';

const match = (field: string, mode: string, value: string): UserFilter => ({ kind: 'match', field, mode, value }) as UserFilter;

function refusal(q: string): string {
  try {
    parseUserQuery(q);
  } catch (error) {
    expect(error).to.be.instanceOf(FedmetaError);
    expect((error as FedmetaError).code, q).to.equal('invalid_query_string');
    expect((error as FedmetaError).status).to.equal(400);
    return (error as FedmetaError).message;
  }
  throw new Error(`"${q}" was accepted`);
}

describe('users/query: Auth0 user search q', () => {
  it('reads every supported form into its filter', () => {
    const cases: [string, UserFilter | undefined][] = [
      ['', undefined],
      ['   ', undefined],
      ['Ann', match('text', 'contains', 'ann')],
      ['"Ann Lee"', match('text', 'contains', 'ann lee')],
      ['email:"Ann@Example.com"', match('email', 'exact', 'ann@example.com')],
      ['email:ann@example.com', match('email', 'exact', 'ann@example.com')],
      ['email:ann*', match('email', 'prefix', 'ann')],
      ['email:*@example.com', match('email', 'suffix', '@example.com')],
      ['name:jo*', match('name', 'prefix', 'jo')],
      ['name:smith', match('name', 'contains', 'smith')],
      ['name:"Jane Smith"', match('name', 'exact', 'jane smith')],
      ['name:*mit*', match('name', 'contains', 'mit')],
      ['user_id:"fedmeta|AbC"', match('user_id', 'exact', 'fedmeta|AbC')],
      ['email.domain:Example.COM', match('email.domain', 'exact', 'example.com')],
      ['email:*', match('email', 'any', '')],
      ['blocked:true', { kind: 'blocked', value: true }],
      ['ＡＮＮ', match('text', 'contains', 'ann')],
    ];
    for (const [q, filter] of cases) expect(parseUserQuery(q), q).to.deep.equal(filter);
  });

  it('AND (also implicit) binds tighter than OR; NOT and parentheses', () => {
    expect(parseUserQuery('ann lee')).to.deep.equal({ kind: 'and', parts: [match('text', 'contains', 'ann'), match('text', 'contains', 'lee')] });
    expect(parseUserQuery('a AND b OR c')).to.deep.equal({
      kind: 'or',
      parts: [{ kind: 'and', parts: [match('text', 'contains', 'a'), match('text', 'contains', 'b')] }, match('text', 'contains', 'c')],
    });
    expect(parseUserQuery('blocked:false AND NOT (email.domain:a.com OR name:bo*)')).to.deep.equal({
      kind: 'and',
      parts: [
        { kind: 'blocked', value: false },
        { kind: 'not', part: { kind: 'or', parts: [match('email.domain', 'exact', 'a.com'), match('name', 'prefix', 'bo')] } },
      ],
    });
    expect(parseUserQuery('email:"a\\"b@x.y"')).to.deep.equal(match('email', 'exact', 'a"b@x.y'));
  });

  it('refuses what it does not support, naming it', () => {
    expect(refusal('phone_number:123')).to.include('phone_number');
    expect(refusal('user_metadata.plan:gold')).to.include('user_metadata.plan');
    expect(refusal('name:j*n')).to.include('wildcard');
    expect(refusal('name:*ab')).to.include('3');
    expect(refusal('name:jo?n')).to.include('?');
    expect(refusal('name:[a TO b]')).to.include('[');
    expect(refusal('email:"open')).to.include('not closed');
    expect(refusal('(ann')).to.include('not closed');
    expect(refusal('ann)')).to.include(')');
    expect(refusal('ann OR')).to.include('ends');
    expect(refusal('AND ann')).to.include('AND');
    expect(refusal('blocked:yes')).to.include('true or false');
    expect(refusal('email:')).to.include('value');
    expect(refusal('user_id:fedmeta*')).to.include('exact');
    expect(refusal('email.domain:*.com')).to.include('exact');
  });

  it('is bounded: length, terms and nesting', () => {
    expect(refusal('a'.repeat(QUERY_LIMITS.length + 1))).to.include(String(QUERY_LIMITS.length));
    expect(refusal(Array.from({ length: QUERY_LIMITS.terms + 1 }, (_, i) => `t${i}`).join(' '))).to.include(String(QUERY_LIMITS.terms));
    expect(refusal(`${'('.repeat(QUERY_LIMITS.depth + 1)}a${')'.repeat(QUERY_LIMITS.depth + 1)}`)).to.include('nest');
    expect(parseUserQuery(`${'('.repeat(QUERY_LIMITS.depth)}a${')'.repeat(QUERY_LIMITS.depth)}`)).to.deep.equal(match('text', 'contains', 'a'));
  });
});
