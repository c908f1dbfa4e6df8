import { findUnsafeText, isSafeText } from '../../domain/text';

describe('safe text (domain/text.ts)', () => {
  it('accepts ordinary text, emoji (paired surrogates) and other control characters', () => {
    expect(isSafeText('Statement on Forsyth Blvd — update 2 ✅ 👍🏽')).toBe(true);
    expect(isSafeText('tab\tand\nnewline')).toBe(true);
    expect(isSafeText('')).toBe(true);
  });

  it('refuses NUL and unpaired surrogates, high or low, anywhere in the string', () => {
    expect(isSafeText('a\u0000b')).toBe(false);
    expect(isSafeText('\ud800')).toBe(false);
    expect(isSafeText('x\ud83dy')).toBe(false);
    expect(isSafeText('\udc00 at the start')).toBe(false);
    expect(isSafeText('reversed \ude00\ud83d')).toBe(false);
  });

  it('names the first unsafe field by its path, as clients name fields, keys included', () => {
    expect(findUnsafeText({ title: 'ok', deadlines: [{ reason: 'fine' }, { reason: 'bad\u0000' }] })).toBe('deadlines.1.reason');
    expect(findUnsafeText({ nested: { ['k\u0000']: 'v' } })).toBe('nested');
    expect(findUnsafeText('\ud800')).toBe('body');
    expect(findUnsafeText({ severity: 1, flag: true, none: null, list: ['a', 'b'] })).toBeNull();
  });
});
