// The pure rules behind inbound texts: numbers in E.164, item short codes,
// and what a progress reply must say before it changes anything.
import { toE164 } from '../../domain/phone';
import { itemShortCode, readItemCode } from '../../domain/itemCode';
import { parseProgressSms } from '../../services/planSms';

describe('phone numbers', () => {
  it.each([
    ['+1 (314) 555-0101', '+13145550101'],
    ['314.555.0101', '+13145550101'],
    ['13145550101', '+13145550101'],
    ['0044 20 7946 0958', '+442079460958'],
    [' +44 20 7946 0958 ', '+442079460958'],
  ])('%s is %s', (written, e164) => {
    expect(toE164(written)).toBe(e164);
  });

  it.each(['', '555-0101', '+0123456789', 'call me', '+1 314 555 0101 ext 4', '+1234567890123456'])('%p is not read as a number', (written) => {
    expect(toE164(written)).toBeNull();
  });
});

describe('item short codes', () => {
  it('are five characters, start with a letter, and are stable per item', () => {
    const code = itemShortCode('cm3x0item0001');
    expect(code).toMatch(/^[A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z]{4}$/);
    expect(itemShortCode('cm3x0item0001')).toBe(code);
    expect(itemShortCode('cm3x0item0002')).not.toBe(code);
  });

  it('are read back whatever the case, with I, L and O taken for 1 and 0', () => {
    const code = itemShortCode('cm3x0item0001');
    expect(readItemCode(code.toLowerCase())).toBe(code);
    expect(readItemCode('K7Q2O')).toBe('K7Q20');
    expect(readItemCode('KL7Q2')).toBe('K17Q2');
    expect(readItemCode('50')).toBeNull();
    expect(readItemCode('7KQ2M')).toBeNull();
  });

  it('rarely collide: 10,000 items give nearly 10,000 codes', () => {
    const codes = new Set(Array.from({ length: 10_000 }, (_, i) => itemShortCode(`item-${i}`)));
    expect(codes.size).toBeGreaterThan(9_990);
  });
});

describe('progress replies', () => {
  it('need a keyword and a code', () => {
    expect(parseProgressSms('DONE K7Q2M')).toEqual({ kind: 'DONE', code: 'K7Q2M' });
    expect(parseProgressSms('done k7q2m.')).toEqual({ kind: 'DONE', code: 'K7Q2M' });
    expect(parseProgressSms('PROGRESS K7Q2M 50 met with ECDC')).toEqual({ kind: 'PROGRESS', code: 'K7Q2M', percentComplete: 50, note: 'met with ECDC' });
    expect(parseProgressSms('progress K7Q2M 80% - venue booked')).toEqual({ kind: 'PROGRESS', code: 'K7Q2M', percentComplete: 80, note: 'venue booked' });
  });

  it('change nothing when they do not say which item, or how far', () => {
    expect(parseProgressSms('DONE')).toEqual({ kind: 'DONE', code: null });
    expect(parseProgressSms('50 met with ECDC')).toEqual({ kind: 'UNCLEAR' });
    expect(parseProgressSms('PROGRESS 50')).toMatchObject({ kind: 'PROGRESS', code: null });
    expect(parseProgressSms('PROGRESS K7Q2M')).toMatchObject({ kind: 'PROGRESS', code: 'K7Q2M', percentComplete: undefined });
    expect(parseProgressSms('PROGRESS K7Q2M 150 too far')).toMatchObject({ percentComplete: undefined });
  });

  it('leave other texts to other handlers', () => {
    expect(parseProgressSms('ACK')).toBeNull();
    expect(parseProgressSms('Done with it, thanks')).toBeNull();
    expect(parseProgressSms('hello')).toBeNull();
  });
});
