import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId, TX_ID } from '../../src/util/ids.js';

describe('newId', () => {
  it('makes 32-hex ids that sort in the order they were made, even within one millisecond', () => {
    const ids = Array.from({ length: 70_000 }, () => newId());
    for (const id of ids) assert.match(id, TX_ID);
    const sorted = [...ids].sort();
    assert.deepEqual(sorted, ids);
    assert.equal(new Set(ids).size, ids.length);
  });
});
