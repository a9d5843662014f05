// The data Raft speaks: log entries, hard state, snapshots, messages and the Ready
// batch. Shapes follow etcd's raftpb so that the WAL, the transport and the simulator
// all agree on one vocabulary. Node ids are positive safe integers; 0 means "none".

export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque payload; empty for the no-op entry a new leader appends. */
  readonly data: Uint8Array;
}

/** What must be durable before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The application's state at metadata.index, opaque to Raft. */
  readonly data: Uint8Array;
}

/** A single-server membership change, carried in a 'confChange' entry's data. */
export type ConfChange =
  | { readonly type: 'addVoter'; readonly nodeId: NodeId; readonly context?: Uint8Array }
  | { readonly type: 'addLearner'; readonly nodeId: NodeId; readonly context?: Uint8Array }
  | { readonly type: 'removeNode'; readonly nodeId: NodeId; readonly context?: Uint8Array };

export type MessageType =
  // Local messages: never sent over the wire.
  | 'hup' // start an election (campaign)
  | 'beat' // leader: send heartbeats now
  | 'prop' // a proposal (followers forward it to the leader)
  | 'checkQuorum'
  | 'unreachable'
  | 'snapStatus'
  | 'transferLeader'
  | 'readIndex'
  // Wire messages.
  | 'app'
  | 'appResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'timeoutNow'
  | 'readIndexResp';

export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** app: term of the entry before `entries`; vote: term of the candidate's last entry. */
  readonly logTerm: number;
  /** app: index of the entry before `entries`; vote: candidate's last index; resp: matched or rejected index. */
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  /** On a rejected appResp: the follower's hint for where the logs may agree. */
  readonly rejectHint: number;
  /** Opaque request context (ReadIndex request ids, transfer markers). */
  readonly context?: Uint8Array;
}

/** A linearizable read is safe once the applied index reaches `index`. */
export interface ReadState {
  readonly index: number;
  readonly requestContext: Uint8Array;
}

export type StateType = 'follower' | 'candidate' | 'preCandidate' | 'leader';

export interface SoftState {
  readonly lead: NodeId;
  readonly state: StateType;
}

/**
 * One batch of work Raft hands to its caller. The contract, in order:
 *  1. Persist `snapshot` (if any), then append `entries` and save `hardState` (if any)
 *     to stable storage. When `mustSync` is set, this must be durable (fsync) first.
 *  2. Only then send `messages`. Sending a vote or an append acknowledgment before the
 *     state that justifies it is durable can elect two leaders or lose a committed entry
 *     after a crash (Raft paper §5.1: "updated on stable storage before responding").
 *     A leader's messages are the exception: they may be sent before (or while) it
 *     persists (Raft thesis §10.2.1, as etcd's server does), because its own entries count
 *     towards a commit only through acknowledgments stepped after the save. So are the
 *     client requests a follower forwards ('prop', 'readIndex'): they claim no state.
 *  3. Apply `committedEntries` to the state machine, in order.
 *  4. Call advance(ready).
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly mustSync: boolean;
}

/** Message constructor filling the fields a message type does not use. */
export function message(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  return {
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}

/** True for the message types that never leave the node. */
export function isLocalMessage(type: MessageType): boolean {
  return (
    type === 'hup' ||
    type === 'beat' ||
    type === 'checkQuorum' ||
    type === 'unreachable' ||
    type === 'snapStatus'
  );
}
