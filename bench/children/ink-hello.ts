import { createElement } from 'react';
import { render, Text } from 'ink';

/**
 * The TUI baseline: Node, React and Ink drawing one line, with nothing of esipay. Stays on
 * screen until it is killed, like a dashboard.
 */
render(createElement(Text, null, 'hello from ink 12:00 deadbeef'));
setInterval(() => undefined, 60_000);
