import { EsipayError } from '../../domain/errors.js';
import type { Engine } from '../engine.js';

// Placeholder until the serve issue lands (see issue 3).
export class RemoteEngine {
  constructor(readonly opts: { url: string; token?: string }) {
    throw new EsipayError('unavailable', 'not_built', 'the remote engine is not built yet');
  }
}
export type _Check = Engine;
