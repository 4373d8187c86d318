import { EsipayError } from '../../domain/errors.js';
import type { Page } from '../../domain/types.js';
import type { CreateLinkInput, LinkView } from '../engine.js';
import type { EngineContext } from './context.js';

// Placeholder until the payment-link issue lands (see issue 5).
export async function createLink(_ctx: EngineContext, _input: CreateLinkInput): Promise<LinkView> {
  throw new EsipayError('internal', 'not_built', 'payment links are not built yet');
}

export async function listLinks(_ctx: EngineContext, _q: { merchant: string; limit?: number; cursor?: string }): Promise<Page<LinkView>> {
  throw new EsipayError('internal', 'not_built', 'payment links are not built yet');
}

export async function getLink(_ctx: EngineContext, _id: string, _merchant?: string): Promise<LinkView> {
  throw new EsipayError('internal', 'not_built', 'payment links are not built yet');
}
