import { EsipayError } from '../../domain/errors.js';
import type { TransactionView } from '../../domain/types.js';
import type { CreateInitialInput, CreateShipmentInput } from '../engine.js';
import type { EngineContext } from './context.js';

// Placeholder until the shipment issue lands (see issue 4).
export async function createInitial(_ctx: EngineContext, _input: CreateInitialInput): Promise<TransactionView> {
  throw new EsipayError('internal', 'not_built', 'shipment payments are not built yet');
}

export async function createShipment(_ctx: EngineContext, _input: CreateShipmentInput): Promise<TransactionView> {
  throw new EsipayError('internal', 'not_built', 'shipment payments are not built yet');
}
