// Signed reply-to addresses (lib/replyAddress.ts) and the inbound webhook's
// signature (lib/inboundEmailSignature.ts): what makes a reply to an incident
// email count, and what does not.
import { bareAddress, readReplyAddress, replyAddressFor } from '../../lib/replyAddress';
import { inboundSignatureProblem, signInboundEmail } from '../../lib/inboundEmailSignature';

const config = { LINK_SIGNING_SECRET: 'a-test-secret-of-enough-length', INBOUND_EMAIL_DOMAIN: 'reply.clayton.example' };
const id = 'cmabc123def456ghi789jkl0m';

describe('signed reply-to addresses', () => {
  it('fit a local part (at most 64 characters), read back to the notification, whatever the case', () => {
    const address = replyAddressFor(id, config)!;
    expect(address).toMatch(/^ack\+cmabc123def456ghi789jkl0m\.[a-z2-7]{16}@reply\.clayton\.example$/);
    expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
    expect(readReplyAddress(address, config)).toEqual({ notificationId: id });
    expect(readReplyAddress(`"Common Ground" <${address.toUpperCase()}>`, config)).toEqual({ notificationId: id });
  });

  it('refuse another secret, another domain, an altered id or signature, and anything else', () => {
    const address = replyAddressFor(id, config)!;
    expect(readReplyAddress(address, { ...config, LINK_SIGNING_SECRET: 'another-secret-of-enough-length' })).toBeNull();
    expect(readReplyAddress(address.replace('reply.clayton.example', 'evil.example'), config)).toBeNull();
    expect(readReplyAddress(address.replace('cmabc', 'cmabd'), config)).toBeNull();
    const [local, domain] = address.split('@');
    const mac = local.split('.')[1];
    const other = mac.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect(readReplyAddress(`${local.replace(mac, other)}@${domain}`, config)).toBeNull();
    for (const junk of ['', 'pio@example.org', 'ack+@reply.clayton.example', `ack+${id}@reply.clayton.example`, `ack+${id}.x.y@reply.clayton.example`]) {
      expect(readReplyAddress(junk, config)).toBeNull();
    }
  });

  it('are not made (or read) while acknowledgement by reply is off', () => {
    expect(replyAddressFor(id, { ...config, INBOUND_EMAIL_DOMAIN: '' })).toBeNull();
    expect(readReplyAddress(replyAddressFor(id, config)!, { ...config, INBOUND_EMAIL_DOMAIN: '' })).toBeNull();
  });

  it('bare addresses come out of display names, lower-cased', () => {
    expect(bareAddress('Robin Adeyemi <PIO@Example.org>')).toBe('pio@example.org');
    expect(bareAddress('pio@example.org')).toBe('pio@example.org');
    expect(bareAddress('not an address')).toBeNull();
  });
});

describe('the inbound webhook signature', () => {
  const body = Buffer.from('{"from":"pio@example.org","to":["x@y"]}');
  const now = new Date('2026-12-10T15:00:00Z');

  it('holds for the body it was made for, within five minutes', () => {
    const header = signInboundEmail(body, 'shared-secret-value', now);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(inboundSignatureProblem(header, body, 'shared-secret-value', now)).toBeNull();
    expect(inboundSignatureProblem(header, body, 'shared-secret-value', new Date(now.getTime() + 299_000))).toBeNull();
    expect(inboundSignatureProblem(header, body, 'shared-secret-value', new Date(now.getTime() + 301_000))).toBe('stale');
  });

  it('fails for another body, another secret, or a header that is missing or malformed', () => {
    const header = signInboundEmail(body, 'shared-secret-value', now);
    expect(inboundSignatureProblem(header, Buffer.from(`${body} `), 'shared-secret-value', now)).toBe('bad-signature');
    expect(inboundSignatureProblem(header, body, 'other-secret', now)).toBe('bad-signature');
    expect(inboundSignatureProblem(undefined, body, 'shared-secret-value', now)).toBe('missing');
    expect(inboundSignatureProblem('v1=abc', body, 'shared-secret-value', now)).toBe('malformed');
  });
});
