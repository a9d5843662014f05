// Protobuf encoding of Raft messages for the peer transport, with etcd's raftpb.Message
// field numbers (type=1, to=2, from=3, term=4, logTerm=5, index=6, entries=7, commit=8,
// snapshot=9, reject=10, rejectHint=11, context=12) and its MessageType numbers. Entries
// and snapshots reuse server/codec so one encoding of the Raft vocabulary exists.

import {
  CodecError,
  decodeEntry,
  decodeSnapshot,
  decodeWith,
  encodeSnapshot,
  fieldTag,
  newWriter,
  readBytes,
  readTags,
  readUint,
  WIRE_BYTES,
  WIRE_VARINT,
  writeEntry,
} from '../codec/index.js';
import type { Entry, Message, MessageType, Snapshot } from '../raft/types.js';

const typeNumbers: Record<MessageType, number> = {
  hup: 0,
  beat: 1,
  prop: 2,
  app: 3,
  appResp: 4,
  vote: 5,
  voteResp: 6,
  snap: 7,
  heartbeat: 8,
  heartbeatResp: 9,
  unreachable: 10,
  snapStatus: 11,
  checkQuorum: 12,
  transferLeader: 13,
  timeoutNow: 14,
  readIndex: 15,
  readIndexResp: 16,
  preVote: 17,
  preVoteResp: 18,
};
const typesByNumber = new Map<number, MessageType>(
  Object.entries(typeNumbers).map(([name, number]) => [number, name as MessageType]),
);

export function encodeMessage(message: Message): Uint8Array {
  const writer = newWriter();
  writer.uint32(fieldTag(1, WIRE_VARINT)).uint32(typeNumbers[message.type]);
  writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(message.to);
  writer.uint32(fieldTag(3, WIRE_VARINT)).uint64(message.from);
  writer.uint32(fieldTag(4, WIRE_VARINT)).uint64(message.term);
  writer.uint32(fieldTag(5, WIRE_VARINT)).uint64(message.logTerm);
  writer.uint32(fieldTag(6, WIRE_VARINT)).uint64(message.index);
  for (const entry of message.entries)
    writeEntry(writer.uint32(fieldTag(7, WIRE_BYTES)).fork(), entry).ldelim();
  writer.uint32(fieldTag(8, WIRE_VARINT)).uint64(message.commit);
  if (message.snapshot) writer.uint32(fieldTag(9, WIRE_BYTES)).bytes(encodeSnapshot(message.snapshot));
  if (message.reject) writer.uint32(fieldTag(10, WIRE_VARINT)).bool(true);
  writer.uint32(fieldTag(11, WIRE_VARINT)).uint64(message.rejectHint);
  if (message.context) writer.uint32(fieldTag(12, WIRE_BYTES)).bytes(message.context);
  return writer.finish();
}

export function decodeMessage(bytes: Uint8Array): Message {
  return decodeWith(bytes, 'Message', (reader) => {
    let type: MessageType | undefined;
    let to = 0;
    let from = 0;
    let term = 0;
    let logTerm = 0;
    let index = 0;
    const entries: Entry[] = [];
    let commit = 0;
    let snapshot: Snapshot | undefined;
    let reject = false;
    let rejectHint = 0;
    let context: Uint8Array | undefined;
    readTags(reader, reader.len, (tag) => {
      switch (tag) {
        case fieldTag(1, WIRE_VARINT): {
          const number = reader.uint32();
          type = typesByNumber.get(number);
          if (type === undefined) throw new CodecError(`Message.type ${number} is unknown`);
          return true;
        }
        case fieldTag(2, WIRE_VARINT):
          to = readUint(reader, 'Message.to');
          return true;
        case fieldTag(3, WIRE_VARINT):
          from = readUint(reader, 'Message.from');
          return true;
        case fieldTag(4, WIRE_VARINT):
          term = readUint(reader, 'Message.term');
          return true;
        case fieldTag(5, WIRE_VARINT):
          logTerm = readUint(reader, 'Message.logTerm');
          return true;
        case fieldTag(6, WIRE_VARINT):
          index = readUint(reader, 'Message.index');
          return true;
        case fieldTag(7, WIRE_BYTES):
          entries.push(decodeEntry(reader.bytes()));
          return true;
        case fieldTag(8, WIRE_VARINT):
          commit = readUint(reader, 'Message.commit');
          return true;
        case fieldTag(9, WIRE_BYTES):
          snapshot = decodeSnapshot(reader.bytes());
          return true;
        case fieldTag(10, WIRE_VARINT):
          reject = reader.bool();
          return true;
        case fieldTag(11, WIRE_VARINT):
          rejectHint = readUint(reader, 'Message.rejectHint');
          return true;
        case fieldTag(12, WIRE_BYTES):
          context = readBytes(reader);
          return true;
        default:
          return false;
      }
    });
    if (type === undefined) throw new CodecError('Message.type is missing');
    const message: Message = { type, to, from, term, logTerm, index, entries, commit, reject, rejectHint };
    return { ...message, ...(snapshot ? { snapshot } : {}), ...(context ? { context } : {}) };
  });
}
