/**
 * canonicalJson against what Python's json.dumps(sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False) makes of the text the device sends. The expected strings were produced
 * by the server's own Python from JSON.stringify of each input.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/sync/canonical';
import { sha256Hex } from '../src/sync/hash';

const vectors: [unknown, string][] = [
  [
    { b: 1, a: [true, false, null], c: { z: 'x', y: 'é ü' } },
    '{"a":[true,false,null],"b":1,"c":{"y":"\u00e9 \u00fc","z":"x"}}',
  ],
  [
    {
      num: [
        0.5,
        1e-5,
        1.5e-7,
        0.0001,
        123456789.125,
        1e21,
        1.5e300,
        1e-100,
        -2.5e-5,
        0.1,
        1e16,
        2 ** 53,
        -0,
        100,
        1.25e-4,
        9.5e-5,
        1e-7,
      ],
    },
    '{"num":[0.5,1e-05,1.5e-07,0.0001,123456789.125,1e+21,1.5e+300,1e-100,-2.5e-05,0.1,10000000000000000,9007199254740992,0,100,0.000125,9.5e-05,1e-07]}',
  ],
  [
    { '\u{1F600}': 1, '\uff01': 2, a: 3, Z: 4, é: 5 },
    '{"Z":4,"a":3,"\u00e9":5,"\uff01":2,"\ud83d\ude00":1}',
  ],
  [
    { s: 'line\nnext\ttab "quote" back\\slash \x01 \x1f \x7f \u2028 \u{1F600} /' },
    '{"s":"line\\nnext\\ttab \\"quote\\" back\\\\slash \\u0001 \\u001f \u007f \u2028 \ud83d\ude00 /"}',
  ],
  [
    { empty: {}, list: [], nested: [{ b: 2, a: 1 }], skipped: undefined },
    '{"empty":{},"list":[],"nested":[{"a":1,"b":2}]}',
  ],
];

describe('canonicalJson', () => {
  it.each(vectors.map(([input, expected], i) => ({ i, input, expected })))(
    'matches Python json.dumps for vector $i',
    ({ input, expected }) => {
      expect(canonicalJson(input)).toBe(expected);
    },
  );

  it('gives the same text whatever order the keys were written in', () => {
    const a = { case_id: 'x', answers: { b: [1, { d: 1, c: 2 }], a: true }, replaces: null };
    const b = { replaces: null, answers: { a: true, b: [1, { c: 2, d: 1 }] }, case_id: 'x' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('refuses what Python could not encode or JSON cannot hold', () => {
    expect(() => canonicalJson({ s: 'half \ud83d' })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });

  it('hashes the UTF-8 bytes like hashlib.sha256', async () => {
    // hashlib.sha256('{"a":"é"}'.encode()).hexdigest()
    expect(await sha256Hex(canonicalJson({ a: 'é' }))).toBe(
      'b3a092a6af48807fa9482b2ee140105575daa26d5b24b3c0e60a7e2dee6683b1',
    );
  });
});
