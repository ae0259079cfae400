/**
 * The server's own hashes of visit bodies written the way finalize writes them
 * (tests/vectors/bodies.json, built by tests/vectors/bodies.py from the server's VisitWrite):
 * the tablet's canonical text and SHA-256 must be the server's, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/sync/canonical';
import { sha256Hex } from '../src/sync/hash';
import bodiesJson from '../../tests/vectors/bodies.json';

interface BodyVector {
  name: string;
  body: unknown;
  canonical: string;
  sha256: string;
}

const vectors = (bodiesJson as { bodies: BodyVector[] }).bodies;

describe('visit body vectors shared with the server', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
  });

  for (const vector of vectors) {
    it(`hashes "${vector.name}" as the server does`, async () => {
      const text = canonicalJson(vector.body);
      expect(text).toBe(vector.canonical);
      expect(await sha256Hex(text)).toBe(vector.sha256);
    });
  }
});
