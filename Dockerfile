# The zombie-audit CLI in an image: `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock
# zombie-audit <container>`, or `-v "$PWD:/work" zombie-audit lint .` for files.
# Build from a checkout after `npm run build` (dist/ and native/bin/ are copied, not built here):
#   npm ci && npm run build && docker build -t zombie-audit .
# NODE_IMAGE: any image with Node 20 at /usr/local/bin/node or on PATH (default: the official slim one).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /opt/zombie-audit
COPY package.json package-lock.json ./
# production dependencies only; no install scripts (tree-sitter-bash's native addon is not used: its wasm is)
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# za-shim for the image's architecture: amd64 or arm64
ARG ZA_ARCH=amd64
WORKDIR /work
COPY --from=deps /opt/zombie-audit/node_modules /opt/zombie-audit/node_modules
COPY package.json oclif.manifest.json /opt/zombie-audit/
COPY bin/run.js /opt/zombie-audit/bin/run.js
COPY dist/src /opt/zombie-audit/dist/src
COPY dist/commands /opt/zombie-audit/dist/commands
COPY dist/hooks /opt/zombie-audit/dist/hooks
COPY dist/oclif /opt/zombie-audit/dist/oclif
COPY dist/fast.bundle.js /opt/zombie-audit/dist/fast.bundle.js
COPY native/bin /opt/zombie-audit/native/bin
COPY docs /opt/zombie-audit/docs
# PID 1 by the tool's own standard: the project's static init in front (za-shim reaps orphans and
# forwards TERM/INT/HUP/QUIT to node, which stops on them)
COPY native/bin/za-shim-${ZA_ARCH} /za-shim
ENV NO_UPDATE_NOTIFIER=1
ENTRYPOINT ["/za-shim", "--", "node", "/opt/zombie-audit/bin/run.js"]
CMD ["--help"]
