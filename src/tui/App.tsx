import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { DetailPane } from './components/DetailPane.js';
import { Header } from './components/Header.js';
import { MerchantPicker } from './components/MerchantPicker.js';
import { PromptLine, promptHeight } from './components/PromptLine.js';
import { HelpLine, MessageLine } from './components/StatusLines.js';
import { TransactionTable } from './components/TransactionTable.js';
import { layoutColumns } from './model/columns.js';
import type { DashboardController } from './model/controller.js';
import { helpText, type KeyAction, keyAction, splitKeys } from './model/keymap.js';
import type { Mode } from './model/controller.js';

export interface AppProps {
  controller: DashboardController;
}

/** The size of the terminal, followed as it is resized. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

const HEADER_LINES = 2;
const FOOTER_LINES = 2; // message + help

/**
 * The dashboard: binds keys to the controller and lays the pure components out to the terminal's
 * size. One line is left free at the bottom so Ink never has to clear the whole screen.
 */
export function App({ controller }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const width = Math.max(20, columns);
  const total = Math.max(8, rows - 1);

  const mode = state.mode;
  const prompt = promptHeight(mode, state.filter !== undefined);
  const detailHeight = state.detail && mode.name !== 'picker' ? Math.min(14, Math.floor(total / 2)) : 0;
  const tableHeight = Math.max(1, total - HEADER_LINES - 1 - detailHeight - prompt - FOOTER_LINES);

  useEffect(() => {
    controller.setViewHeight(tableHeight);
  }, [controller, tableHeight]);

  const layout = useMemo(() => layoutColumns(width, state.entries), [width, state.entries]);

  useInput((input, key) => {
    for (const [text, k] of splitKeys(input, key)) {
      // Each key sees the mode the previous one left (a pasted "10.00\r" types, then submits).
      const action = keyAction(controller.getState().mode.name, text, k);
      if (action) dispatch(action, controller.getState().mode);
    }
  });

  function dispatch(action: KeyAction, mode: Mode): void {
    switch (action.type) {
      case 'quit':
        controller.quit();
        exit();
        return;
      case 'move':
        if (mode.name === 'picker') controller.pickerMove(action.by);
        else controller.move(action.by);
        return;
      case 'page':
        if (mode.name === 'picker') controller.pickerMove(action.direction * Math.max(1, tableHeight - 1));
        else controller.page(action.direction);
        return;
      case 'home':
        if (mode.name === 'picker') controller.pickerMove(-Infinity);
        else controller.home();
        return;
      case 'filter':
        controller.startFilter();
        return;
      case 'detail':
        controller.toggleDetail();
        return;
      case 'refund':
        controller.startRefund();
        return;
      case 'ship':
        controller.startShip();
        return;
      case 'merchants':
        void controller.openPicker();
        return;
      case 'cancel':
        controller.cancel();
        return;
      case 'submit':
        if (mode.name === 'filter') void controller.applyFilter(mode.text);
        else if (mode.name === 'amount') controller.submitAmount();
        else if (mode.name === 'picker') void controller.pickerChoose();
        return;
      case 'confirm':
        void controller.confirm();
        return;
      case 'text':
        controller.typeText(action.text);
        return;
      case 'backspace':
        controller.backspace();
        return;
    }
  }

  // "no transactions yet" only once the merchant's rows were read: before (the first frame, a slow
  // service) or after a refusal it would say something false about the merchant.
  const empty =
    state.readFailed && !state.loading
      ? `could not read ${state.merchant ? 'the transactions' : 'the merchant'} (the error is below)`
      : state.loading || !state.merchant
        ? 'reading…'
        : state.filter !== undefined
          ? `no transaction matches "${state.filter}"`
          : 'no transactions yet';
  return (
    <Box flexDirection="column" width={width} height={total}>
      <Header
        width={width}
        engine={state.engine}
        loading={state.loading}
        newAbove={state.newAbove}
        {...(state.merchant ? { merchant: state.merchant } : {})}
        {...(state.totals ? { totals: state.totals } : {})}
        {...(state.polledAt ? { polledAt: state.polledAt } : {})}
      />
      {mode.name === 'picker' && state.picker ? (
        <MerchantPicker
          picker={state.picker}
          height={tableHeight + 1}
          width={width}
          {...(state.merchant ? { current: state.merchant.uuid } : {})}
        />
      ) : (
        <TransactionTable
          entries={state.entries}
          layout={layout}
          selected={state.selected}
          top={state.top}
          height={tableHeight}
          width={width}
          empty={empty}
        />
      )}
      {detailHeight > 0 && state.detail ? <DetailPane detail={state.detail} height={detailHeight} width={width} /> : null}
      <PromptLine mode={mode} width={width} scanned={state.scanned} {...(state.filter !== undefined ? { filter: state.filter } : {})} />
      <MessageLine {...(state.message ? { message: state.message } : {})} />
      <HelpLine text={helpText(mode.name, Boolean(state.detail))} />
    </Box>
  );
}
