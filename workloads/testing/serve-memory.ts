// Test helper: serves a MemoryEtcd over etcd-ts's gRPC server on loopback, so the gRPC
// workload client can be tested end to end. Methods MemoryEtcd lacks (membership,
// maintenance beyond status) answer "unimplemented".

import { EtcdError } from '../../server/api/errors.js';
import { type EtcdGrpcServer, startEtcdGrpcServer } from '../../server/api/grpc-server.js';
import type { EtcdService } from '../../server/api/service.js';
import type { MemoryEtcd } from './memory-etcd.js';

export function serveMemory(memory: MemoryEtcd): Promise<EtcdGrpcServer> {
  const service = new Proxy(memory, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      return async () => {
        throw EtcdError.unimplemented(String(property));
      };
    },
  }) as unknown as EtcdService;
  return startEtcdGrpcServer(service, { host: '127.0.0.1', port: 0 });
}
