import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editLine } from '../../src/tui/model/line-edit.js';

describe('tui prompt editing', () => {
  it('types printable text up to a length, and Backspace deletes a character', () => {
    assert.equal(editLine('ab', { type: 'text', text: 'c\x1b[Ad' }, 10), 'abc[Ad');
    assert.equal(editLine('abc', { type: 'text', text: 'def' }, 4), 'abcd');
    assert.equal(editLine('abc', { type: 'backspace' }, 10), 'ab');
  });

  it('Ctrl-U clears the line, Ctrl-W deletes the last word and the spaces after it', () => {
    assert.equal(editLine('card 74.12', { type: 'clearLine' }, 64), '');
    assert.equal(editLine('card 74.12', { type: 'deleteWord' }, 64), 'card ');
    assert.equal(editLine('card 74.12  ', { type: 'deleteWord' }, 64), 'card ');
    assert.equal(editLine('card', { type: 'deleteWord' }, 64), '');
    assert.equal(editLine('', { type: 'deleteWord' }, 64), '');
  });
});
