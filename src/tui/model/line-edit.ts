/**
 * Editing the one-line prompts (the filter, an amount) as a shell does: type, Backspace,
 * Ctrl-U clears the line, Ctrl-W deletes the word before the cursor (the cursor is always at the
 * end). Pure, so the editing is tested without a terminal.
 */
export type LineEdit = { type: 'text'; text: string } | { type: 'backspace' } | { type: 'clearLine' } | { type: 'deleteWord' };

export function editLine(text: string, edit: LineEdit, max: number): string {
  switch (edit.type) {
    case 'text':
      // Only printable ASCII: a pasted control sequence must not reach the screen.
      return (text + edit.text.replace(/[^\x20-\x7e]/g, '')).slice(0, max);
    case 'backspace':
      return text.slice(0, -1);
    case 'clearLine':
      return '';
    case 'deleteWord':
      // Spaces before the word go with it, as in readline's unix-word-rubout.
      return text.replace(/\S*\s*$/, '');
  }
}
