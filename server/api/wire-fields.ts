// Readers for the plain objects @grpc/proto-loader decodes a request into (options in
// proto-files.ts: original field names, int64 as decimal strings, enums as names, bytes
// as Buffers). A reader returns the domain value or throws `EtcdError.invalidRequest`
// naming the field, so a malformed request becomes a gRPC status and never a crash.
// Values are treated as untrusted: a field of the wrong type is rejected, not coerced.

import { EtcdError } from './errors.js';

export type WireObject = Readonly<Record<string, unknown>>;

const emptyBytes = new Uint8Array(0);

export function isWireObject(value: unknown): value is WireObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

export function readObject(value: unknown, path: string): WireObject {
  if (value === undefined || value === null) return {};
  if (!isWireObject(value)) throw EtcdError.invalidRequest(`${path} must be a message`);
  return value;
}

export function readBytes(object: WireObject, field: string, path: string): Uint8Array {
  const value = object[field];
  if (value === undefined || value === null) return emptyBytes;
  if (value instanceof Uint8Array) return value;
  throw EtcdError.invalidRequest(`${path}.${field} must be bytes`);
}

export function readString(object: WireObject, field: string, path: string): string {
  const value = object[field];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw EtcdError.invalidRequest(`${path}.${field} must be a string`);
}

export function readBool(object: WireObject, field: string, path: string): boolean {
  const value = object[field];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw EtcdError.invalidRequest(`${path}.${field} must be a bool`);
}

/**
 * An int64/uint64 field as a `number`. etcd-ts never creates values at or above 2^53, so
 * a request carrying one cannot refer to anything that exists: it is rejected here
 * rather than silently rounded.
 */
export function readInteger(object: WireObject, field: string, path: string): number {
  const value = object[field];
  if (value === undefined || value === null) return 0;
  const parsed = typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : value;
  if (typeof parsed === 'number' && Number.isSafeInteger(parsed)) return parsed;
  throw EtcdError.invalidRequest(
    `${path}.${field} must be an integer of magnitude below 2^53, got ${JSON.stringify(String(value)).slice(0, 40)}`,
  );
}

/** An enum field, checked against the names the proto declares (unknown numbers fail). */
export function readEnum<Name extends string>(
  object: WireObject,
  field: string,
  names: readonly Name[],
  path: string,
): Name {
  const value = object[field];
  if (value === undefined || value === null) return names[0] as Name;
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as Name;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) {
    return names[value] as Name;
  }
  throw EtcdError.invalidRequest(`${path}.${field} has an unknown value ${JSON.stringify(value)}`);
}

export function readList(object: WireObject, field: string, path: string): readonly unknown[] {
  const value = object[field];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw EtcdError.invalidRequest(`${path}.${field} must be a list`);
}

export function readStringList(object: WireObject, field: string, path: string): readonly string[] {
  return readList(object, field, path).map((item, index) => {
    if (typeof item !== 'string')
      throw EtcdError.invalidRequest(`${path}.${field}[${index}] must be a string`);
    return item;
  });
}

/** Omits an empty byte string so optional request fields stay absent, as etcd treats them. */
export function optionalBytes(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.length === 0 ? undefined : bytes;
}
