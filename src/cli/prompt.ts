import { invalid } from '../domain/errors.js';

/** Prompts only a person: with no TTY on stdin, or CI set, it fails naming the flag to pass instead. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY) && !process.env.CI;
}

export async function askOrFail(question: string, flag: string): Promise<string> {
  if (!canPrompt()) throw invalid('missing_option', `${flag} is required`, `pass ${flag} (no prompt without a terminal)`);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question}: `)).trim();
    if (!answer) throw invalid('missing_option', `${flag} is required`);
    return answer;
  } finally {
    rl.close();
  }
}
