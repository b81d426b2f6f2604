import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP plumbing both testbed servers share, on plain `node:http`: the servers have two routes
 * each and binary bodies, and every limit the testbed needs (body size, request timeout,
 * concurrency, drain on SIGTERM) is a few lines here, so a framework would add a dependency (and
 * its own timing overhead inside the latencies we measure) without removing code.
 *
 * Every refusal is a 4xx/5xx with a one-line JSON body {"error": "..."}; a handler that throws an
 * `HttpError` chooses its status, anything else is a 500. The server keeps serving either way.
 */

/** A refusal with its HTTP status and a one-line message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One route's answer: a JSON value (status 200 unless given). */
export interface Reply {
  status?: number;
  body: unknown;
}

/** A request whose body has been read in full (within the size limit). */
export interface ReadRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** performance.now() when the request arrived. */
  arrivedAt: number;
}

export type Handler = (req: ReadRequest) => Promise<Reply>;

/** A static GET resource (the browser device page and its files). */
export interface Resource {
  type: string;
  body: Buffer | string;
}

export interface ServerLimits {
  /** Largest accepted request body, bytes (413 above). */
  maxBodyBytes: number;
  /** Whole-request limit: reading the body and answering, ms (408 when the body is late, 503 when the answer is). */
  requestTimeoutMs: number;
  /** Requests handled at once; more are refused with 503 (the client retries or counts it). */
  maxConcurrent: number;
}

export interface ServerOptions extends ServerLimits {
  /** "cloud" or "edge": named in /health and in the access log. */
  role: string;
  /** POST routes by path. */
  routes: Record<string, Handler>;
  /** GET resources by path (besides /health). */
  resources?: Record<string, () => Resource>;
  /** Send CORS headers allowing this origin ("*" = any), so a page from elsewhere may POST here. */
  allowOrigin?: string;
  /** Extra fields of GET /health. */
  health: () => Record<string, unknown>;
  /** Access log sink: one line per request (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  url: string;
  /** Stop accepting, let requests in flight finish, then close (what SIGTERM does). */
  drain(): Promise<void>;
  /** Requests being handled now. */
  inFlight(): number;
}

const json = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extra: http.OutgoingHttpHeaders = {},
): number => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
  return Buffer.byteLength(text);
};

/** Read a request body, refusing it (413) as soon as it passes `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, `body of ${declared} bytes is over the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('aborted', () =>
      reject(new HttpError(400, 'request aborted before its body was complete (truncated body)')),
    );
    req.on('error', (err) => reject(new HttpError(400, `cannot read the body: ${err.message}`)));
  });
}

/** Start a server on 127.0.0.1 (or `host`) and `port` (0 = an ephemeral port). */
export function startServer(opts: ServerOptions, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  let active = 0;
  let draining = false;
  let drained: (() => void) | null = null;

  const cors: http.OutgoingHttpHeaders = opts.allowOrigin
    ? {
        'access-control-allow-origin': opts.allowOrigin,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, x-eecal-shape, x-eecal-dtype, x-eecal-edge-exits, x-eecal-model',
        'access-control-max-age': '600',
      }
    : {};
  const server = http.createServer((req, res) => {
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    let bytes = 0;
    const done = (status: number) =>
      log(
        `${new Date().toISOString()} ${opts.role} ${req.socket.remoteAddress ?? '-'} "${req.method} ${url.pathname}" ${status} ${bytes} ${(performance.now() - arrivedAt).toFixed(1)}ms`,
      );
    if (req.method === 'OPTIONS' && opts.allowOrigin) {
      res.writeHead(204, cors);
      res.end();
      done(204);
      return;
    }
    const resource = req.method === 'GET' ? opts.resources?.[url.pathname] : undefined;
    if (resource) {
      const r = resource();
      const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
      res.writeHead(200, { 'content-type': r.type, 'content-length': body.length, ...cors });
      res.end(body);
      bytes = body.length;
      done(200);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      const status = draining ? 503 : 200;
      bytes = json(
        res,
        status,
        { status: draining ? 'draining' : 'ok', role: opts.role, inFlight: active, ...opts.health() },
        cors,
      );
      done(status);
      return;
    }
    const handler = opts.routes[url.pathname];
    const refuse = (status: number, message: string, extra: http.OutgoingHttpHeaders = {}) => {
      req.resume();
      bytes = json(res, status, { error: message }, { ...cors, ...extra });
      done(status);
    };
    if (!handler)
      return refuse(
        404,
        `no route ${req.method} ${url.pathname}; expected GET /health${opts.resources ? `, GET ${Object.keys(opts.resources)[0]}` : ''} or POST ${Object.keys(opts.routes).join(', POST ')}`,
      );
    if (req.method !== 'POST') return refuse(405, `${url.pathname} takes POST, not ${req.method}`, { allow: 'POST' });
    if (draining) return refuse(503, 'server is shutting down', { connection: 'close' });
    if (active >= opts.maxConcurrent)
      return refuse(503, `busy: ${active} requests in flight (limit ${opts.maxConcurrent})`, { 'retry-after': '1' });
    active++;
    let finished = false;
    const finish = (status: number, body: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (!res.headersSent && !res.destroyed)
        bytes = json(res, status, body, draining ? { ...cors, connection: 'close' } : cors);
      done(status);
      active--;
      if (draining && active === 0) drained?.();
    };
    const timer = setTimeout(
      () =>
        finish(req.complete ? 503 : 408, {
          error: `request took over ${opts.requestTimeoutMs} ms (${req.complete ? 'answer' : 'body'} too slow)`,
        }),
      opts.requestTimeoutMs,
    );
    readBody(req, opts.maxBodyBytes)
      .then((body) =>
        handler({
          method: req.method ?? 'POST',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          arrivedAt,
        }),
      )
      .then((r) => finish(r.status ?? 200, r.body))
      .catch((err: unknown) => {
        if (err instanceof HttpError) finish(err.status, { error: err.message });
        else finish(500, { error: `internal error: ${String((err as Error)?.message ?? err).split('\n')[0]}` });
      });
  });
  // Node's own limits back ours up (headers, idle keep-alive); ours answer with JSON first.
  server.requestTimeout = opts.requestTimeoutMs + 1000;
  server.headersTimeout = Math.min(opts.requestTimeoutMs + 1000, 60_000);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const drain = () =>
        new Promise<void>((done) => {
          if (!draining) {
            draining = true;
            server.close();
          }
          server.closeIdleConnections();
          const finish = () => {
            server.closeAllConnections();
            done();
          };
          if (active === 0) finish();
          else drained = finish;
        });
      resolve({ server, port: addr.port, url: `http://${host}:${addr.port}`, drain, inFlight: () => active });
    });
  });
}

/**
 * Drain on SIGTERM/SIGINT: stop accepting, finish what is in flight, then resolve (the command then
 * exits 0). A second signal exits at once.
 */
export function drainOnSignal(running: RunningServer, role: string): Promise<string> {
  return new Promise((resolve) => {
    let got = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (got) process.exit(130);
      got = true;
      process.stderr.write(`${role}: ${sig}: draining ${running.inFlight()} request(s) in flight, refusing new ones\n`);
      void running.drain().then(() => resolve(sig));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
