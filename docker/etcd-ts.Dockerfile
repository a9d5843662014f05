# etcd-chaos/etcd-ts:local — an etcd-ts member (and the etcd-chaos runner) with nothing
# but Node, the shared libraries it links and the built project. No registry is
# reachable, so there is no base image: runner/docker-images.ts assembles rootfs/ from
# this machine's files (node from PATH, its `ldd` libraries, dist/, the .proto files and
# the production node_modules) and builds this file FROM scratch.
FROM scratch
COPY rootfs/ /
WORKDIR /app
ENV NODE_ENV=production
ENTRYPOINT ["/usr/bin/node", "/app/dist/server/main.js"]
