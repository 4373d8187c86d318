import { Box, Text } from 'ink';
import type { MerchantView } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import type { MerchantTotals } from '../../store/store.js';
import type { SortOrder } from '../model/columns.js';

export interface HeaderProps {
  width: number;
  engine: string;
  merchant?: MerchantView;
  totals?: MerchantTotals;
  polledAt?: string;
  loading: boolean;
  newAbove: number;
  /** Sorted by amount, new payments are not placed: `g` sorts again with them. */
  sort?: SortOrder;
}

/**
 * Two lines: who and where (merchant, engine), then the totals of the whole history an operator
 * watches — paid, refunded, net, and what initial authorisations still allow to ship — and the
 * live state.
 */
export function Header(props: HeaderProps) {
  const { merchant, totals } = props;
  const currency = totals?.currency ?? merchant?.currency ?? 'EUR';
  const live = props.polledAt ? `live ${props.polledAt.slice(11, 19)}Z` : 'live';
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate-end">
        <Text bold>esipay</Text>
        {' · '}
        {merchant ? (
          <>
            <Text bold>{merchant.name}</Text> {merchant.uuid}
          </>
        ) : (
          'no merchant'
        )}
        {' · '}
        <Text dimColor>{props.engine}</Text>
      </Text>
      <Text wrap="truncate-end">
        {totals ? (
          <>
            paid <Text bold>{formatMoney(BigInt(totals.paid), currency)}</Text>
            {'  refunded '}
            <Text bold>{formatMoney(BigInt(totals.refunded), currency)}</Text>
            {'  net '}
            <Text bold>{formatMoney(BigInt(totals.paid) - BigInt(totals.refunded), currency)}</Text>
            {'  to ship '}
            <Text bold>{formatMoney(BigInt(totals.toShip), currency)}</Text>
            {`  · ${totals.count.toLocaleString('en-US')} transactions`}
          </>
        ) : (
          <Text dimColor>totals…</Text>
        )}
        <Text dimColor>{`  · ${live}`}</Text>
        {props.loading ? <Text dimColor>{' · reading…'}</Text> : null}
        {props.newAbove > 0 ? (
          <Text color="yellow">
            {props.sort === 'amount' ? `  · ${props.newAbove} new (g sorts again)` : `  · ${props.newAbove} new above (g)`}
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}
