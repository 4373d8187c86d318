import { Text } from 'ink';
import type { Message } from '../model/controller.js';

/** The outcome of the last action: green when it worked, red with the engine's words when not. */
export function MessageLine({ message }: { message?: Message }) {
  if (!message) return <Text> </Text>;
  return (
    <Text wrap="truncate-end" color={message.kind === 'error' ? 'red' : 'green'}>
      {message.text}
    </Text>
  );
}

/** The keys of the current mode. */
export function HelpLine({ text }: { text: string }) {
  return (
    <Text wrap="truncate-end" dimColor>
      {text}
    </Text>
  );
}
