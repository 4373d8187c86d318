import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyLike, keyAction, splitKeys } from '../../src/tui/model/keymap.js';

const none: KeyLike = {
  upArrow: false,
  downArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  return: false,
  escape: false,
  ctrl: false,
  meta: false,
  backspace: false,
  delete: false,
  tab: false,
};

describe('tui keys', () => {
  it('moves with arrows, j/k and pages, and names every command in the list', () => {
    assert.deepEqual(keyAction('list', '', { ...none, downArrow: true }), { type: 'move', by: 1 });
    assert.deepEqual(keyAction('list', 'k', none), { type: 'move', by: -1 });
    assert.deepEqual(keyAction('list', '', { ...none, pageDown: true }), { type: 'page', direction: 1 });
    assert.deepEqual(keyAction('list', '', { ...none, pageUp: true }), { type: 'page', direction: -1 });
    assert.deepEqual(keyAction('list', '/', none), { type: 'filter' });
    assert.deepEqual(keyAction('list', '', { ...none, return: true }), { type: 'detail' });
    assert.deepEqual(keyAction('list', 'r', none), { type: 'refund' });
    assert.deepEqual(keyAction('list', 's', none), { type: 'ship' });
    assert.deepEqual(keyAction('list', 'm', none), { type: 'merchants' });
    assert.deepEqual(keyAction('list', 'q', none), { type: 'quit' });
    assert.deepEqual(keyAction('list', 'c', { ...none, ctrl: true }), { type: 'quit' });
  });

  it('types letters in a prompt instead of running commands, and q cancels a confirmation', () => {
    assert.deepEqual(keyAction('amount', 'q', none), { type: 'text', text: 'q' });
    assert.deepEqual(keyAction('filter', 'r', none), { type: 'text', text: 'r' });
    assert.deepEqual(keyAction('amount', '', { ...none, delete: true }), { type: 'backspace' });
    assert.deepEqual(keyAction('amount', '', { ...none, return: true }), { type: 'submit' });
    assert.deepEqual(keyAction('confirm', 'y', none), { type: 'confirm' });
    assert.deepEqual(keyAction('confirm', 'q', none), { type: 'cancel' });
    assert.equal(keyAction('confirm', 'x', none), undefined);
    assert.deepEqual(keyAction('amount', 'c', { ...none, ctrl: true }), { type: 'quit' });
  });

  it('splits keys that arrive together, so a typed amount and its enter are both seen', () => {
    const keys = splitKeys('12.5\r', none);
    assert.deepEqual(
      keys.map(([text, k]) => (k.return ? '⏎' : text)),
      ['1', '2', '.', '5', '⏎'],
    );
    assert.deepEqual(splitKeys('', { ...none, pageDown: true }), [['', { ...none, pageDown: true }]]);
  });
});
