import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { DetailPane } from './components/DetailPane.js';
import { FacetPicker } from './components/FacetPicker.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { MerchantPicker } from './components/MerchantPicker.js';
import { PromptLine } from './components/PromptLine.js';
import { HelpLine, MessageLine } from './components/StatusLines.js';
import { SummaryLines } from './components/SummaryLines.js';
import { TransactionTable } from './components/TransactionTable.js';
import { layoutColumns } from './model/columns.js';
import type { DashboardController } from './model/controller.js';
import { type KeyAction, keyAction, splitKeys } from './model/keymap.js';
import { helpLines, helpText } from './model/keys-help.js';
import { emptyTableText, screenLayout } from './model/screen-layout.js';
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

/**
 * The dashboard: binds keys to the controller and lays the pure components out to the terminal's
 * size. One line is left free at the bottom so Ink never has to clear the whole screen.
 */
export function App({ controller }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const { width, total, summaryLines, detailHeight, tableHeight } = screenLayout(columns, rows, state);
  const mode = state.mode;

  useEffect(() => {
    controller.setViewHeight(tableHeight);
  }, [controller, tableHeight]);

  const layout = useMemo(() => layoutColumns(width, state.entries, state.sort), [width, state.entries, state.sort]);

  useInput((input, key) => {
    for (const [text, k] of splitKeys(input, key)) {
      // Each key sees the mode the previous one left (a pasted "10.00\r" types, then submits).
      const action = keyAction(controller.getState().mode.name, text, k);
      if (action) dispatch(action, controller.getState().mode);
    }
  });

  const scrollHelp = (by: number) => controller.helpScroll(by, helpLines(width).length);

  function dispatch(action: KeyAction, mode: Mode): void {
    // A `G` still reading on stops at any other key, which does nothing else (q and Ctrl-C quit).
    if (action.type !== 'end' && action.type !== 'quit' && controller.stopSeeking()) return;
    switch (action.type) {
      case 'quit':
        controller.quit();
        exit();
        return;
      case 'move':
        if (mode.name === 'picker') controller.pickerMove(action.by);
        else if (mode.name === 'facets') controller.facetMove(action.by);
        else if (mode.name === 'help') scrollHelp(action.by);
        else controller.move(action.by);
        return;
      case 'page': {
        const by = action.direction * Math.max(1, tableHeight - 1);
        if (mode.name === 'picker') controller.pickerMove(by);
        else if (mode.name === 'facets') controller.facetMove(by);
        else if (mode.name === 'help') scrollHelp(by);
        else controller.page(action.direction);
        return;
      }
      case 'home':
        if (mode.name === 'picker') controller.pickerMove(-Infinity);
        else if (mode.name === 'facets') controller.facetMove(-Infinity);
        else if (mode.name === 'help') scrollHelp(-Infinity);
        else controller.home();
        return;
      case 'end':
        if (mode.name === 'picker') controller.pickerMove(Infinity);
        else if (mode.name === 'facets') controller.facetMove(Infinity);
        else if (mode.name === 'help') scrollHelp(Infinity);
        else controller.end();
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
      case 'sort':
        void controller.toggleSort();
        return;
      case 'range':
        void controller.cycleRange(action.step);
        return;
      case 'facets':
        controller.openFacets();
        return;
      case 'help':
        controller.openHelp();
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
        else if (mode.name === 'facets') void controller.facetChoose();
        return;
      case 'confirm':
        void controller.confirm();
        return;
      case 'text':
      case 'backspace':
      case 'clearLine':
      case 'deleteWord':
        controller.edit(action);
        return;
    }
  }

  const empty = emptyTableText(state);
  const currency = state.totals?.currency ?? state.merchant?.currency ?? 'EUR';
  return (
    <Box flexDirection="column" width={width} height={total}>
      <Header
        width={width}
        engine={state.engine}
        loading={state.loading}
        newAbove={state.newAbove}
        sort={state.sort}
        {...(state.merchant ? { merchant: state.merchant } : {})}
        {...(state.totals ? { totals: state.totals } : {})}
        {...(state.polledAt ? { polledAt: state.polledAt } : {})}
      />
      {summaryLines > 0 ? (
        <SummaryLines
          width={width}
          range={state.range}
          sort={state.sort}
          currency={currency}
          now={controller.now()}
          {...(state.sorted ? { sorted: state.sorted } : {})}
          {...(state.summary ? { summary: state.summary } : {})}
        />
      ) : null}
      {mode.name === 'picker' && state.picker ? (
        <MerchantPicker
          picker={state.picker}
          height={tableHeight + 1}
          width={width}
          {...(state.merchant ? { current: state.merchant.uuid } : {})}
        />
      ) : mode.name === 'help' ? (
        <HelpOverlay top={mode.top} height={tableHeight + 1} width={width} />
      ) : mode.name === 'facets' ? (
        <FacetPicker
          selected={mode.selected}
          height={tableHeight + 1}
          width={width}
          {...(state.summary ? { summary: state.summary } : {})}
          {...(state.filter !== undefined ? { filter: state.filter } : {})}
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
      <PromptLine
        mode={mode}
        width={width}
        scanned={state.scanned}
        {...(state.filter !== undefined ? { filter: state.filter } : {})}
        {...(state.seeking ? { seeking: state.seeking } : {})}
      />
      <MessageLine {...(state.message ? { message: state.message } : {})} />
      <HelpLine text={helpText(mode.name, Boolean(state.detail), width)} />
    </Box>
  );
}
