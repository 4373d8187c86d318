import type { Mode } from './state.js';

export interface KeyHelp {
  keys: string;
  does: string;
}

export interface KeySection {
  title: string;
  keys: readonly KeyHelp[];
}

/**
 * Every key, as the `?` overlay lists it (and docs/tui.md, which a test holds to this table).
 * The bindings themselves are keymap.ts.
 */
export const KEY_SECTIONS: readonly KeySection[] = [
  {
    title: 'list',
    keys: [
      { keys: '↑ ↓  k j', does: 'move the selection' },
      { keys: 'PgUp PgDn  space', does: 'a screen up, down' },
      { keys: 'g  Home', does: 'the first row (the newest, or the largest)' },
      { keys: 'G  End', does: 'the last row (reads on to the end; any key stops)' },
      { keys: 'enter', does: 'open or close the detail pane' },
      { keys: '/', does: 'filter by id, cid/order, amount, status, kind' },
      { keys: 'esc', does: 'close the detail pane, else clear the filter' },
      { keys: 'f', does: 'facets: counts by status and kind, enter filters by one' },
      { keys: 'o', does: 'order by date (newest first) or amount (largest first)' },
      { keys: 'd  D', does: 'date range: all, today, 7 days, 30 days (D: back)' },
      { keys: 'r', does: 'refund the selected payment' },
      { keys: 's', does: 'ship against the selected initial authorisation' },
      { keys: 'm', does: 'choose another merchant' },
      { keys: '?', does: 'this help' },
      { keys: 'q  Ctrl-C', does: 'quit' },
    ],
  },
  {
    title: 'filter and amount prompts',
    keys: [
      { keys: 'enter', does: 'apply the filter (empty: clear it), or confirm next' },
      { keys: 'esc', does: 'leave the prompt' },
      { keys: 'Backspace', does: 'delete a character' },
      { keys: 'Ctrl-U', does: 'clear the line' },
      { keys: 'Ctrl-W', does: 'delete the last word' },
    ],
  },
  {
    title: 'confirmation [y/N]',
    keys: [
      { keys: 'y  Y', does: 'send the refund or the shipment' },
      { keys: 'n  enter  esc  q', does: 'cancel: nothing is sent' },
    ],
  },
  {
    title: 'merchant picker, facets',
    keys: [
      { keys: '↑ ↓  k j  PgUp PgDn', does: 'move' },
      { keys: 'enter', does: 'open the merchant; filter by the facet (again: off)' },
      { keys: 'esc', does: 'go back' },
    ],
  },
  {
    title: 'this help',
    keys: [
      { keys: '↑ ↓  k j  PgUp PgDn', does: 'scroll' },
      { keys: '?  esc  enter  q', does: 'close' },
    ],
  },
];

/** The overlay's key column: the widest keys and a gap. */
export const HELP_KEYS_WIDTH = 20;

export interface HelpLine {
  title?: string;
  keys?: string;
  does?: string;
}

/**
 * The overlay's lines: each section's title, then its keys, one line each when `width` holds
 * the widest; otherwise the keys on a line and what they do on the next, so nothing is cut.
 */
export function helpLines(width = Infinity): HelpLine[] {
  const widest = Math.max(...KEY_SECTIONS.flatMap((s) => s.keys.map((k) => k.does.length)));
  const oneLine = 2 + HELP_KEYS_WIDTH + widest <= width;
  return KEY_SECTIONS.flatMap((s) => [
    { title: s.title },
    ...s.keys.flatMap((k): HelpLine[] => (oneLine ? [{ keys: k.keys, does: k.does }] : [{ keys: k.keys }, { does: k.does }])),
  ]);
}

interface Hint {
  text: string;
  /** Lower goes first when the line is too narrow for every hint. */
  rank: number;
}

/** The bottom line's hints for the list, in screen order; the narrower the terminal, the fewer. */
function listHints(detailOpen: boolean): Hint[] {
  return [
    { text: '? keys', rank: 1 },
    { text: '↑↓/j/k move', rank: 3 },
    { text: 'PgUp/PgDn page', rank: 6 },
    { text: 'g/G first/last', rank: 8 },
    { text: '/ filter', rank: 2 },
    { text: `enter ${detailOpen ? 'close detail' : 'detail'}`, rank: 4 },
    { text: 'r refund', rank: 3 },
    { text: 's ship', rank: 5 },
    { text: 'f facets', rank: 9 },
    { text: 'o order', rank: 9 },
    { text: 'd range', rank: 9 },
    { text: 'm merchant', rank: 7 },
    { text: 'q quit', rank: 1 },
  ];
}

const SEP = '  ';

/** The help line for each mode, fitted to `width`: the most useful hints when not all fit. */
export function helpText(mode: Mode['name'], detailOpen: boolean, width = Infinity): string {
  switch (mode) {
    case 'list':
      return fitHints(listHints(detailOpen), width);
    case 'picker':
      return '↑↓/j/k move  enter open  esc back  q quit';
    case 'facets':
      return '↑↓/j/k move  enter filter by it (again: remove)  esc back';
    case 'help':
      return '↑↓/j/k scroll  esc/?/q close';
    case 'filter':
      return 'words: id, cid, amount (74.12), status, kind  enter apply (empty: clear)  Ctrl-U clear  Ctrl-W word  esc cancel';
    case 'amount':
      return 'type the amount  enter continue  Ctrl-U clear  esc cancel';
    case 'confirm':
      return 'y confirm  n/enter/esc cancel';
  }
}

function fitHints(hints: Hint[], width: number): string {
  const ranks = [...new Set(hints.map((h) => h.rank))].sort((a, b) => a - b);
  let shown = hints.filter((h) => h.rank <= ranks[0]!);
  for (const rank of ranks) {
    const candidate = hints.filter((h) => h.rank <= rank);
    if (candidate.map((h) => h.text).join(SEP).length > width) break;
    shown = candidate;
  }
  return shown.map((h) => h.text).join(SEP);
}
