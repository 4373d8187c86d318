import { cancelledByUser } from '../prompt.js';
import { ConfirmPrompt, type Question } from './ConfirmPrompt.js';
import { confirmKeys } from './confirm.js';
import { PromptController } from './controller.js';
import { type Choice, pickerKeys } from './picker.js';
import { PickerPrompt } from './PickerPrompt.js';
import { runPrompt } from './run.js';
import { type TextField, textKeys } from './text-field.js';
import { TextPrompt } from './TextPrompt.js';

export { amountField } from './amount-field.js';
export { cardNumberField } from './card-field.js';
export { expiryField } from './expiry-field.js';
export { LINE_FORMS, linkField } from './line-forms.js';
export { lineField } from './text-field.js';
export type { Choice, Question, TextField };

/**
 * The prompts, each until it is answered. Loaded only when one is shown (src/cli/prompt.ts):
 * this module brings ink and react. A cancelled prompt (Esc, Ctrl-C) is the command cancelled.
 */
export async function ask<T>(field: TextField<T>): Promise<T> {
  const controller = new PromptController({ text: '' }, textKeys(field));
  const outcome = await runPrompt(controller, (step) => <TextPrompt field={field} step={step} />);
  if (!outcome.done) throw cancelledByUser();
  return outcome.value;
}

export async function pick(label: string, what: string, choices: readonly Choice[]): Promise<string> {
  const controller = new PromptController({ choices, filter: '', selected: 0 }, pickerKeys(what));
  const outcome = await runPrompt(controller, (step) => <PickerPrompt label={label} step={step} rows={8} />);
  if (!outcome.done) throw cancelledByUser();
  return outcome.value;
}

/** Whether the user typed y; Ctrl-C cancels the command. */
export async function confirm(question: Question): Promise<boolean> {
  const controller = new PromptController<null, boolean>(null, confirmKeys);
  const outcome = await runPrompt(controller, (step) => <ConfirmPrompt question={question} step={step} />);
  if (!outcome.done) throw cancelledByUser();
  return outcome.value;
}
