// The comment form's question: answered right it passes; wrong, forged,
// expired, reused as another kind of token, or answered faster than a person
// can, it is refused with a 422 naming the field.
import { checkCommentChallenge, issueCommentChallenge, CHALLENGE_TOKEN_PATTERN } from '../../services/commentChallenge';
import { HttpError } from '../../services/errors';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import { signLinkToken } from '../../lib/crypto';

const config = { LINK_SIGNING_SECRET: 'a-test-secret-of-enough-length' };
const policy = DEFAULT_POLICY.comments!;
const issuedAt = new Date('2027-03-03T15:00:00Z');
const later = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);

function refusal(check: () => void): { status: number; field?: string } {
  try {
    check();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, field: err.field };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('comment challenge', () => {
  const { question, token } = issueCommentChallenge(config, policy, issuedAt);
  const right = question.a + question.b;

  it('issues a token that is never the shape of a link token', () => {
    expect(token).toMatch(CHALLENGE_TOKEN_PATTERN);
    expect(token).not.toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('accepts the right answer from a person', () => {
    expect(() => checkCommentChallenge(config, policy, { token, answer: right }, later(10))).not.toThrow();
  });

  it('refuses a wrong answer, one too fast, an expired question, and a forged or foreign token', () => {
    expect(refusal(() => checkCommentChallenge(config, policy, { token, answer: right + 1 }, later(10)))).toEqual({ status: 422, field: 'challenge.answer' });
    expect(refusal(() => checkCommentChallenge(config, policy, { token, answer: right }, later(policy.challenge.minSeconds - 1)))).toEqual({ status: 422, field: 'challenge.answer' });
    expect(refusal(() => checkCommentChallenge(config, policy, { token, answer: right }, later(policy.challenge.maxSeconds + 1)))).toEqual({ status: 422, field: 'challenge.token' });
    expect(refusal(() => checkCommentChallenge({ LINK_SIGNING_SECRET: 'another-secret-entirely' }, policy, { token, answer: right }, later(10)))).toEqual({ status: 422, field: 'challenge.token' });
    const linkToken = signLinkToken({ p: 'subscription', subscriptionId: 'x' }, 3600, config.LINK_SIGNING_SECRET, issuedAt);
    expect(refusal(() => checkCommentChallenge(config, policy, { token: `q.${linkToken}`, answer: right }, later(10)))).toEqual({ status: 422, field: 'challenge.token' });
  });
});
