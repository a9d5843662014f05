// Finds and loads etcd-ts's .proto files, for the gRPC server, clients in tests and
// tools. The files live beside this module in the source tree (server/api/proto); the
// compiled module in dist/server/api has no copy, so it looks back into the source tree.
// This is start-up configuration, read once, not runtime I/O of the node.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** The .proto files, relative to the proto directory; rpc.proto pulls in kv and auth. */
export const protoFileNames = ['rpc.proto', 'v3lock.proto'] as const;

/**
 * How decoded messages look to the server: etcd's field names as written, int64 as
 * decimal strings (checked and narrowed to `number` by wire-fields.ts), enums as names,
 * bytes as Buffers, absent fields filled with defaults, the set oneof member named.
 */
export const protoLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

const protoDirectoryCandidates = ['./proto', '../../../server/api/proto'];

/** The directory holding rpc.proto, from either the source tree or dist/. */
export function findProtoDirectory(): string {
  for (const candidate of protoDirectoryCandidates) {
    const directory = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${directory}/rpc.proto`)) return directory;
  }
  throw new Error(
    `Cannot find etcd-ts's .proto files: looked for rpc.proto in ${protoDirectoryCandidates.join(', ')} relative to ${import.meta.url}`,
  );
}

let loaded: protoLoader.PackageDefinition | undefined;

/** The loaded package definition (cached: the files do not change while running). */
export function loadEtcdProtos(): protoLoader.PackageDefinition {
  loaded ??= protoLoader.loadSync([...protoFileNames], {
    ...protoLoaderOptions,
    includeDirs: [findProtoDirectory()],
  });
  return loaded;
}
