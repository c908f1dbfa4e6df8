// The workflows' SHA-256/HMAC (domain/hmacSha256.ts) against node:crypto and
// the RFC 4231 vectors: the API signs with node:crypto and the workflows
// verify with this, so any disagreement would refuse every update.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual, hmacKey, hmacSha256, sha256, toHex, utf8Bytes } from '../../domain/hmacSha256';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(sha256(utf8Bytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto for every length across the padding boundaries, and for large inputs', () => {
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
    for (const length of [4095, 4096, 65_537, 250_000]) {
      const data = randomBytes(length);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('hashes the concatenation of its parts', () => {
    const a = randomBytes(70);
    const b = randomBytes(3);
    expect(toHex(sha256(a, b))).toBe(createHash('sha256').update(Buffer.concat([a, b])).digest('hex'));
  });
});

describe('hmacSha256', () => {
  // RFC 4231, test cases 1, 2, 4, 6 and 7 (case 5 is a truncated output).
  const vectors: [string, Uint8Array, Uint8Array, string][] = [
    ['case 1', hex('0b'.repeat(20)), utf8Bytes('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['case 2', utf8Bytes('Jefe'), utf8Bytes('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['case 4', hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), hex('cd'.repeat(50)), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [
      'case 6 (key longer than a block)',
      hex('aa'.repeat(131)),
      utf8Bytes('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'case 7',
      hex('aa'.repeat(131)),
      utf8Bytes('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  it.each(vectors)('RFC 4231 %s', (_name, key, message, expected) => {
    expect(toHex(hmacSha256(hmacKey(key), message))).toBe(expected);
  });

  it('matches node:crypto for string keys and messages of many lengths, including non-ASCII text', () => {
    for (const keyLength of [1, 16, 32, 63, 64, 65, 100]) {
      const secret = randomBytes(keyLength).toString('base64').slice(0, keyLength) + 'é';
      const key = hmacKey(secret);
      for (let length = 0; length < 200; length += 7) {
        const message = `${randomBytes(length).toString('base64')}ü€😀`;
        expect(toHex(hmacSha256(key, utf8Bytes(message)))).toBe(createHmac('sha256', secret).update(message, 'utf8').digest('hex'));
      }
    }
  });
});

describe('utf8Bytes', () => {
  it('encodes as Buffer does, unpaired surrogates included', () => {
    for (const text of ['', 'plain', 'Señor €5 😀', '\ud800', 'a\udc00b', '\ud83d\ude00\ud83d', '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
      expect(Buffer.from(utf8Bytes(text)).toString('hex')).toBe(Buffer.from(text, 'utf8').toString('hex'));
    }
  });
});

describe('constantTimeEqual', () => {
  it('says equal only for equal strings', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
  });
});
