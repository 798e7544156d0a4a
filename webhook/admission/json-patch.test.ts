import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { diffJSON, escapePointerToken } from './json-patch.ts';
import type { JSONPatchOperation } from './json-patch.ts';

// An independent RFC 6902 applier (add/replace/remove only) that checks every precondition the API
// server's applier checks: parents exist, `replace`/`remove` targets exist, array indexes are in range.
function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function applyPatch(doc: unknown, ops: JSONPatchOperation[]): unknown {
  let root = structuredClone(doc);
  for (const op of ops) {
    if (op.path === '') {
      if (op.op === 'remove') throw new Error('cannot remove the root');
      root = structuredClone(op.value);
      continue;
    }
    const tokens = op.path.split('/').slice(1).map(unescapeToken);
    const last = tokens.pop() as string;
    let parent: unknown = root;
    for (const t of tokens) {
      if (Array.isArray(parent)) parent = parent[Number(t)];
      else if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, t)) {
        parent = (parent as Record<string, unknown>)[t];
      } else throw new Error(`${op.path}: missing parent ${t}`);
    }
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (!/^(0|[1-9][0-9]*)$/.test(last)) throw new Error(`${op.path}: bad index`);
      if (op.op === 'add') {
        if (i > parent.length) throw new Error(`${op.path}: index out of range`);
        parent.splice(i, 0, structuredClone(op.value));
      } else {
        if (i >= parent.length) throw new Error(`${op.path}: index out of range`);
        if (op.op === 'remove') parent.splice(i, 1);
        else parent[i] = structuredClone(op.value);
      }
    } else if (typeof parent === 'object' && parent !== null) {
      const obj = parent as Record<string, unknown>;
      if (op.op !== 'add' && !Object.hasOwn(obj, last)) throw new Error(`${op.path}: no such member`);
      if (op.op === 'remove') delete obj[last];
      else
        Object.defineProperty(obj, last, {
          value: structuredClone(op.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    } else throw new Error(`${op.path}: parent is not a container`);
  }
  return root;
}

const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
// Keys made of the characters that need escaping, to exercise RFC 6901 on every run.
const trickyKey = fc.stringMatching(/^[~/a01]{0,4}$/);
const trickyObject = fc.dictionary(trickyKey, json, { maxKeys: 5 });

describe('escapePointerToken', () => {
  it('escapes ~ before /', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(escapePointerToken('')).toBe('');
  });
});

describe('diffJSON', () => {
  it('adds only what is missing when defaults fill an object', () => {
    const from = { spec: { path: '/a', method: 'GET' }, metadata: { name: 'r' } };
    const to = {
      spec: { path: '/a', method: 'GET', gateway: 'default', pathMatch: 'PathPrefix' },
      metadata: { name: 'r' },
    };
    expect(diffJSON(from, to)).toEqual([
      { op: 'add', path: '/spec/gateway', value: 'default' },
      { op: 'add', path: '/spec/pathMatch', value: 'PathPrefix' },
    ]);
  });

  it('escapes keys such as annotations with slashes', () => {
    expect(diffJSON({ a: {} }, { a: { 'example.com/x~y': '1' } })).toEqual([
      { op: 'add', path: '/a/example.com~1x~0y', value: '1' },
    ]);
  });

  it('shrinks arrays from the end', () => {
    expect(diffJSON([1, 2, 3], [1])).toEqual([
      { op: 'remove', path: '/2' },
      { op: 'remove', path: '/1' },
    ]);
  });

  it('is empty for equal documents whatever the key order', () => {
    expect(diffJSON({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual([]);
  });

  it('turns any document into any other (property)', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(applyPatch(a, diffJSON(a, b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles keys that need escaping (property)', () => {
    fc.assert(
      fc.property(trickyObject, trickyObject, (a, b) => {
        expect(applyPatch(a, diffJSON(a, b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('is empty between a document and its copy (property)', () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(diffJSON(a, structuredClone(a))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
