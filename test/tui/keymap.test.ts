import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyLike, keyAction, splitKeys } from '../../src/tui/model/keymap.js';
import { helpText } from '../../src/tui/model/keys-help.js';

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

describe('tui keys added with the cockpit', () => {
  it('a confirmation is sent by y alone: enter, n, esc and q cancel it', () => {
    assert.deepEqual(keyAction('confirm', 'y', none), { type: 'confirm' });
    assert.deepEqual(keyAction('confirm', 'Y', none), { type: 'confirm' });
    assert.deepEqual(keyAction('confirm', '', { ...none, return: true }), { type: 'cancel' });
    assert.deepEqual(keyAction('confirm', '\r', { ...none, return: true }), { type: 'cancel' });
    assert.deepEqual(keyAction('confirm', 'n', none), { type: 'cancel' });
    assert.deepEqual(keyAction('confirm', '', { ...none, escape: true }), { type: 'cancel' });
  });

  it('G and End go to the last row, g and Home to the first; ? o d D f open their views', () => {
    assert.deepEqual(keyAction('list', 'G', none), { type: 'end' });
    assert.deepEqual(keyAction('list', '', { ...none, end: true }), { type: 'end' });
    assert.deepEqual(keyAction('list', 'g', none), { type: 'home' });
    assert.deepEqual(keyAction('list', '', { ...none, home: true }), { type: 'home' });
    assert.deepEqual(keyAction('list', '?', none), { type: 'help' });
    assert.deepEqual(keyAction('list', 'o', none), { type: 'sort' });
    assert.deepEqual(keyAction('list', 'd', none), { type: 'range', step: 1 });
    assert.deepEqual(keyAction('list', 'D', none), { type: 'range', step: -1 });
    assert.deepEqual(keyAction('list', 'f', none), { type: 'facets' });
    assert.deepEqual(keyAction('help', '?', none), { type: 'cancel' });
    assert.deepEqual(keyAction('help', 'j', none), { type: 'move', by: 1 });
    assert.deepEqual(keyAction('facets', '', { ...none, return: true }), { type: 'submit' });
    assert.deepEqual(keyAction('facets', 'q', none), { type: 'cancel' }, 'q leaves the facets, it does not quit');
  });

  it('Ctrl-U clears a prompt and Ctrl-W deletes a word, also when typed among other keys', () => {
    assert.deepEqual(keyAction('filter', 'u', { ...none, ctrl: true }), { type: 'clearLine' });
    assert.deepEqual(keyAction('amount', 'w', { ...none, ctrl: true }), { type: 'deleteWord' });
    assert.deepEqual(
      splitKeys('ab\x15c\x17', none).map(([text, k]) => keyAction('filter', text, k)),
      [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
        { type: 'clearLine' },
        { type: 'text', text: 'c' },
        { type: 'deleteWord' },
      ],
    );
  });

  it('the help line keeps the most useful keys when the terminal is narrow, "? keys" always', () => {
    const at = (w: number) => helpText('list', false, w);
    assert.equal(at(60), '? keys  ↑↓/j/k move  / filter  r refund  q quit');
    assert.equal(at(80), '? keys  ↑↓/j/k move  / filter  enter detail  r refund  s ship  q quit');
    for (const w of [60, 80, 100, 120]) assert.ok(at(w).length <= w, `${at(w)} fits in ${w}`);
    assert.match(at(200), /g\/G first\/last.*f facets {2}o order {2}d range {2}m merchant {2}q quit/);
    assert.equal(helpText('confirm', false), 'y confirm  n/enter/esc cancel');
  });
});
