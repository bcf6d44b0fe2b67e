// The end of the prefix range of `listUsersByPrefix` (the queries themselves run in the store
// conformance suite, on every dialect).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { successor } from './user-search.js';

describe('successor', () => {
  it('raises the last code point by one', () => {
    assert.equal(successor('bob'), 'boc');
    assert.equal(successor('a_'), 'a`');
    assert.equal(successor('a%'), 'a&');
    assert.equal(successor('z'), '{');
  });

  it('works on code points, not UTF-16 units, and skips the surrogates', () => {
    assert.equal(successor('a😀'), 'a😁');
    assert.equal(successor('a\ud7ff'), 'a\ue000');
  });

  it('drops trailing U+10FFFF, and has no answer for the empty string or only U+10FFFF', () => {
    assert.equal(successor('ab\u{10ffff}'), 'ac');
    assert.equal(successor(''), undefined);
    assert.equal(successor('\u{10ffff}\u{10ffff}'), undefined);
  });
});
