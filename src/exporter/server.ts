import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExporterMetrics } from './metrics.js';
import { urlHost, type ListenAddress } from './options.js';

const INDEX = `<!doctype html>
<html><head><meta charset="utf-8"><title>zombie-audit exporter</title></head>
<body><h1>zombie-audit exporter</h1>
<p>Zombies, PID 1 and docker stop verdicts for every container on this host, for Prometheus.</p>
<p><a href="metrics">Metrics</a></p>
</body></html>
`;

/** The exporter's HTTP server: / (a page linking to /metrics) and /metrics; nothing else. */
export function createExporterServer(metrics: ExporterMetrics): http.Server {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      metrics.render().then(
        (body) => { res.writeHead(200, { 'Content-Type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : body); },
        (e: Error) => {
          metrics.countRenderError();
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`could not render the metrics: ${e.message}\n`);
        },
      );
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : INDEX);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: see /metrics\n');
  });
  // a scraper, not a browser session: keep slow or idle clients from holding memory
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 65_000;
  server.maxConnections = 64;
  return server;
}

export function listen(server: http.Server, at: ListenAddress): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(at.port, at.host, () => {
      server.off('error', onError);
      const a = server.address() as AddressInfo;
      resolve({ host: a.address, port: a.port });
    });
  });
}

export function metricsUrl(at: ListenAddress): string {
  return `http://${urlHost(at.host)}:${at.port}/metrics`;
}
