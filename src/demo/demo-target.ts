/**
 * The demo's instance: a small web server like the tutorial's Flask app. `GET /status` answers
 * `OK` (the health check); any other request gets a page naming the instance. Every response
 * names the instance in the `x-albatross-target` header, which `albatross loadtest` splits by.
 */
import http from 'node:http';

/** The response header naming the instance that answered. */
export const targetHeader = 'x-albatross-target';

/** Who the instance is and where it listens. */
export interface DemoTargetOptions {
  name: string;
  port: number;
  host: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts the server; resolves once it listens (rejects with EADDRINUSE and the like). */
export async function startDemoTarget(opts: DemoTargetOptions): Promise<http.Server> {
  const name = escapeHtml(opts.name);
  const server = http.createServer((req, res) => {
    // A request body is read and dropped, so a POST gets its answer like a GET.
    req.resume();
    req.once('end', () => {
      if (req.url === '/status') {
        res.writeHead(200, { 'content-type': 'text/plain', [targetHeader]: opts.name }).end('OK');
        return;
      }
      const page =
        `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head>` +
        `<body><h1>hello from ${name}</h1><p>Albatross demo instance ${name} (${opts.host}:${opts.port}) ` +
        `answered ${escapeHtml(req.method ?? '')} ${escapeHtml(req.url ?? '')}.</p></body></html>\n`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', [targetHeader]: opts.name }).end(page);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => resolve());
  });
  return server;
}
