import type { CardBrand } from '../../card/card.js';
import type { SecretSealer } from '../secret-sealer.js';
import type { SettlePatch, TransactionPatch, V4FormDetailsRecord } from '../store.js';
import type {
  LinkRecord,
  MerchantRecord,
  OutboxRecord,
  RefundRecord,
  ScheduledDebitRecord,
  TransactionRecord,
} from '../../domain/types.js';

/**
 * Row ⇄ record mapping for both adapters: the same snake_case columns, money as integers (SQLite
 * INTEGER; PostgreSQL BIGINT once postgres/pool.ts has parsed int8), times as TEXT ISO-8601 UTC.
 * One mapping, so the two stores cannot drift apart.
 */
export type Row = Record<string, unknown>;

/** How the secrets column is read and written: sealed at rest (../secret-sealer.ts). */
export type SecretsCodec = Pick<SecretSealer, 'seal' | 'open'>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const int = (v: unknown): number => {
  const n = typeof v === 'bigint' ? Number(v) : (v as number);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer in the database: ${String(v)}`);
  return n;
};
const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : int(v));

export function merchantFromRow(r: Row, secrets: SecretsCodec): MerchantRecord {
  return {
    id: str(r.id),
    name: str(r.name),
    ip: str(r.ip),
    returnUrl: str(r.return_url),
    notificationUrl: strOrNull(r.notification_url),
    currency: str(r.currency),
    secrets: secrets.open(str(r.id), str(r.secrets)),
    createdAt: str(r.created_at),
    // Only a disabled merchant has the field: an active one reads back exactly as it was registered.
    ...(r.disabled_at !== null && r.disabled_at !== undefined ? { disabledAt: str(r.disabled_at) } : {}),
    // Left out when the row has none (a record written without one reads back as it was written).
    ...(r.shop_id === null || r.shop_id === undefined ? {} : { shopId: str(r.shop_id) }),
  };
}

export function merchantToRow(m: MerchantRecord, secrets: SecretsCodec): Row {
  return {
    id: m.id,
    name: m.name,
    ip: m.ip,
    return_url: m.returnUrl,
    notification_url: m.notificationUrl,
    currency: m.currency,
    secrets: secrets.seal(m.id, m.secrets),
    created_at: m.createdAt,
    disabled_at: m.disabledAt ?? null,
    shop_id: m.shopId ?? null,
  };
}

export function transactionFromRow(r: Row): TransactionRecord {
  return {
    id: str(r.id),
    merchantId: str(r.merchant_id),
    kind: str(r.kind) as TransactionRecord['kind'],
    cid: str(r.cid),
    idemKey: strOrNull(r.idem_key),
    requestHash: strOrNull(r.request_hash),
    status: str(r.status) as TransactionRecord['status'],
    amount: int(r.amount),
    currency: str(r.currency),
    refunded: int(r.refunded),
    shipped: int(r.shipped),
    parentId: strOrNull(r.parent_id),
    cardFirst6: strOrNull(r.card_first6),
    cardLast4: strOrNull(r.card_last4),
    cardBrand: strOrNull(r.card_brand) as CardBrand | null,
    cardHash: strOrNull(r.card_hash),
    cardToken: strOrNull(r.card_token),
    email: strOrNull(r.email),
    authCode: strOrNull(r.auth_code),
    reason: strOrNull(r.reason),
    callbackStatus: intOrNull(r.callback_status),
    callbackError: strOrNull(r.callback_error),
    deadlineAt: strOrNull(r.deadline_at),
    expiresAt: strOrNull(r.expires_at),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
    ...(r.v4_details === null || r.v4_details === undefined ? {} : { v4Details: str(r.v4_details) }),
  };
}

export function transactionToRow(t: TransactionRecord): Row {
  return {
    id: t.id,
    merchant_id: t.merchantId,
    kind: t.kind,
    cid: t.cid,
    idem_key: t.idemKey,
    request_hash: t.requestHash,
    status: t.status,
    amount: t.amount,
    currency: t.currency,
    refunded: t.refunded,
    shipped: t.shipped,
    parent_id: t.parentId,
    card_first6: t.cardFirst6,
    card_last4: t.cardLast4,
    card_brand: t.cardBrand,
    card_hash: t.cardHash,
    card_token: t.cardToken,
    email: t.email,
    auth_code: t.authCode,
    reason: t.reason,
    callback_status: t.callbackStatus,
    callback_error: t.callbackError,
    deadline_at: t.deadlineAt,
    expires_at: t.expiresAt,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    v4_details: t.v4Details ?? null,
  };
}

export function refundFromRow(r: Row): RefundRecord {
  return {
    id: str(r.id),
    transactionId: str(r.transaction_id),
    merchantId: str(r.merchant_id),
    amount: int(r.amount),
    currency: str(r.currency),
    createdAt: str(r.created_at),
  };
}

export function refundToRow(r: RefundRecord): Row {
  return {
    id: r.id,
    transaction_id: r.transactionId,
    merchant_id: r.merchantId,
    amount: r.amount,
    currency: r.currency,
    created_at: r.createdAt,
  };
}

export function linkFromRow(r: Row): LinkRecord {
  return {
    id: str(r.id),
    merchantId: str(r.merchant_id),
    tokenHash: str(r.token_hash),
    paymentReference: str(r.payment_reference),
    consumerReference: str(r.consumer_reference),
    amount: int(r.amount),
    currency: str(r.currency),
    mode: str(r.mode) as LinkRecord['mode'],
    request: str(r.request),
    callbackUrl: str(r.callback_url),
    redirectUrl: strOrNull(r.redirect_url),
    status: str(r.status) as LinkRecord['status'],
    transactionId: strOrNull(r.transaction_id),
    expiresAt: str(r.expires_at),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

export function linkToRow(l: LinkRecord): Row {
  return {
    id: l.id,
    merchant_id: l.merchantId,
    token_hash: l.tokenHash,
    payment_reference: l.paymentReference,
    consumer_reference: l.consumerReference,
    amount: l.amount,
    currency: l.currency,
    mode: l.mode,
    request: l.request,
    callback_url: l.callbackUrl,
    redirect_url: l.redirectUrl,
    status: l.status,
    transaction_id: l.transactionId,
    expires_at: l.expiresAt,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
}

export function outboxFromRow(r: Row): OutboxRecord {
  return {
    id: str(r.id),
    merchantId: str(r.merchant_id),
    topic: str(r.topic),
    url: str(r.url),
    contentType: str(r.content_type),
    body: str(r.body),
    headers: str(r.headers),
    attempts: int(r.attempts),
    nextAttemptAt: str(r.next_attempt_at),
    deliveredAt: strOrNull(r.delivered_at),
    lastError: strOrNull(r.last_error),
    createdAt: str(r.created_at),
  };
}

export function outboxToRow(m: OutboxRecord): Row {
  return {
    id: m.id,
    merchant_id: m.merchantId,
    topic: m.topic,
    url: m.url,
    content_type: m.contentType,
    body: m.body,
    headers: m.headers,
    attempts: m.attempts,
    next_attempt_at: m.nextAttemptAt,
    delivered_at: m.deliveredAt,
    last_error: m.lastError,
    created_at: m.createdAt,
  };
}

export function scheduledDebitFromRow(r: Row): ScheduledDebitRecord {
  return {
    id: str(r.id),
    linkId: str(r.link_id),
    merchantId: str(r.merchant_id),
    seq: int(r.seq),
    amount: int(r.amount),
    currency: str(r.currency),
    dueAt: str(r.due_at),
    status: str(r.status) as ScheduledDebitRecord['status'],
    cardToken: strOrNull(r.card_token),
    transactionId: strOrNull(r.transaction_id),
    attempts: int(r.attempts),
    lastError: strOrNull(r.last_error),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

export function scheduledDebitToRow(d: ScheduledDebitRecord): Row {
  return {
    id: d.id,
    link_id: d.linkId,
    merchant_id: d.merchantId,
    seq: d.seq,
    amount: d.amount,
    currency: d.currency,
    due_at: d.dueAt,
    status: d.status,
    card_token: d.cardToken,
    transaction_id: d.transactionId,
    attempts: d.attempts,
    last_error: d.lastError,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

const PATCH_COLUMNS: Record<keyof TransactionPatch, string> = {
  status: 'status',
  authCode: 'auth_code',
  reason: 'reason',
  callbackStatus: 'callback_status',
  callbackError: 'callback_error',
  deadlineAt: 'deadline_at',
  updatedAt: 'updated_at',
};

/** A transaction patch's keys as column names (undefined values left out), for both adapters. */
export function transactionPatchColumns(patch: TransactionPatch): Record<string, unknown> {
  return patchColumns(patch, PATCH_COLUMNS);
}

/** A patch's keys as the column names of `columns` (undefined values and unknown keys left out). */
export function patchColumns<P extends object>(patch: P, columns: Record<keyof P, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const col = columns[key as keyof P];
    if (col && value !== undefined) out[col] = value;
  }
  return out;
}

/** A SettlePatch's keys as column names: a TransactionPatch's, and the card token and expiry. */
export function settlePatchColumns(patch: SettlePatch): Record<string, unknown> {
  const out = transactionPatchColumns(patch);
  if (patch.cardToken !== undefined) out.card_token = patch.cardToken;
  if (patch.expiresAt !== undefined) out.expires_at = patch.expiresAt;
  return out;
}

export function v4FormDetailsFromRow(r: Row): V4FormDetailsRecord {
  return {
    nonce: str(r.nonce),
    merchantId: str(r.merchant_id),
    details: str(r.details),
    expiresAt: str(r.expires_at),
    createdAt: str(r.created_at),
  };
}

export function v4FormDetailsToRow(r: V4FormDetailsRecord): Row {
  return { nonce: r.nonce, merchant_id: r.merchantId, details: r.details, expires_at: r.expiresAt, created_at: r.createdAt };
}
