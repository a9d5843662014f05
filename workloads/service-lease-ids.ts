// Converts between the domain types an etcd-ts node's service speaks (lease ids as
// numbers, exact below 2^53, which is all etcd-ts hands out) and the workload client's
// (lease ids as decimal strings, exact for etcd's 63-bit ids). The clients that call a
// service directly (service-client.ts: in-process and simulated) convert here on the way in
// and out; the gRPC client never needs this, it carries the digits end to end.

import type * as api from '../server/api/types.js';
import {
  ClientError,
  type Compare,
  type DeleteRangeResponse,
  type KeyValue,
  type LeaseId,
  type PutRequest,
  type PutResponse,
  type RangeResponse,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResponse,
} from './client.js';

/** The digits of a service's numeric lease id. */
export function leaseIdOf(id: number): LeaseId {
  return String(id);
}

/**
 * The service's number for `id`. A service that counts in numbers cannot name a lease
 * at or past 2^53: asking it for one is refused before it is sent (a definite failure).
 */
export function serviceLeaseId(id: LeaseId, method: string): number {
  const value = Number(id);
  if (!/^-?\d+$/.test(id) || !Number.isSafeInteger(value)) {
    throw new ClientError('status', `${method}: lease id ${id} is beyond what this server can name`, {
      sent: false,
    });
  }
  return value;
}

function keyValueOf(kv: api.KeyValue): KeyValue {
  return { ...kv, lease: leaseIdOf(kv.lease) };
}

export function rangeResponseOf(response: api.RangeResponse): RangeResponse {
  return { ...response, kvs: response.kvs.map(keyValueOf) };
}

export function putResponseOf(response: api.PutResponse): PutResponse {
  return response.prevKv === undefined
    ? { header: response.header }
    : { header: response.header, prevKv: keyValueOf(response.prevKv) };
}

export function deleteRangeResponseOf(response: api.DeleteRangeResponse): DeleteRangeResponse {
  return { ...response, prevKvs: response.prevKvs.map(keyValueOf) };
}

function responseOpOf(op: api.ResponseOp): ResponseOp {
  switch (op.type) {
    case 'range':
      return { type: 'range', response: rangeResponseOf(op.response) };
    case 'put':
      return { type: 'put', response: putResponseOf(op.response) };
    case 'deleteRange':
      return { type: 'deleteRange', response: deleteRangeResponseOf(op.response) };
    case 'txn':
      return { type: 'txn', response: txnResponseOf(op.response) };
  }
}

export function txnResponseOf(response: api.TxnResponse): TxnResponse {
  return { ...response, responses: response.responses.map(responseOpOf) };
}

export function servicePutRequest(request: PutRequest): api.PutRequest {
  const { lease, ...rest } = request;
  return lease === undefined ? rest : { ...rest, lease: serviceLeaseId(lease, 'put') };
}

function serviceCompare(compare: Compare): api.Compare {
  return compare.target === 'LEASE' ? { ...compare, lease: serviceLeaseId(compare.lease, 'txn') } : compare;
}

function serviceRequestOp(op: RequestOp): api.RequestOp {
  switch (op.type) {
    case 'put':
      return { type: 'put', request: servicePutRequest(op.request) };
    case 'txn':
      return { type: 'txn', request: serviceTxnRequest(op.request) };
    default:
      return op;
  }
}

export function serviceTxnRequest(request: TxnRequest): api.TxnRequest {
  return {
    compare: request.compare.map(serviceCompare),
    success: request.success.map(serviceRequestOp),
    failure: request.failure.map(serviceRequestOp),
  };
}
