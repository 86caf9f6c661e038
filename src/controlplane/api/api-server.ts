/**
 * The admin endpoint's AWS Query-protocol API: one request handler that the supervisor mounts on
 * its admin HTTP server for `POST /` and `GET /?Action=...`.
 *
 * A request goes through, in order:
 *   1. the body, read up to MAX_QUERY_BODY_BYTES (beyond: `RequestEntityTooLarge` 413, the
 *      connection is closed and nothing more is read);
 *   2. the service, chosen by the SigV4 credential scope (elasticloadbalancing, iam, ec2, monitoring), which
 *      also picks the XML namespace and error shape;
 *   3. authentication: the SigV4 signature against the access keys in the store (their secrets
 *      opened with the master key and cached until the store's config version moves) — nothing
 *      is decoded or run for a request that fails it;
 *   4. the parameters (`decodeQueryRequest`), `Action` and `Version`, the action's handler;
 *   5. the XML result, or AWS's error XML: an AlbatrossError's code, status and message, any
 *      other exception `InternalFailure` 500 (logged to stderr; the process carries on).
 * Every response carries a fresh RequestId, in the XML and in the `x-amzn-RequestId` header.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AlbatrossError, type ArnContext } from '../../model/index.ts';
import type { StateStore } from '../../store/state-store.ts';
import type { MasterKey } from '../../secrets/master-key.ts';
import { AccessKeySecrets } from '../access-keys.ts';
import type { ActionContext, ApiService, HealthView } from './action.ts';
import type { Monitoring } from '../../monitoring/index.ts';
import { services as defaultServices } from './actions/index.ts';
import { decodeQueryRequest, isFormUrlEncoded, MAX_QUERY_BODY_BYTES, type QueryStruct } from './query-protocol.ts';
import { credentialScope, verifySigV4, SIGV4_MESSAGES } from './sigv4.ts';
import { renderError, renderResult, XML_CONTENT_TYPE, XML_NAMESPACES } from './xml.ts';

export interface ApiServerOptions {
  store: StateStore;
  masterKey: MasterKey;
  arnContext: ArnContext;
  health: HealthView;
  /** The metric history and health timelines the monitoring actions read. */
  monitoring?: Monitoring;
  now?: () => number;
  randomHex: (bytes: number) => string;
  /** The services by SigV4 signing name; default every service of actions/index.ts. */
  services?: Readonly<Record<string, ApiService>>;
  /** Largest body accepted; default MAX_QUERY_BODY_BYTES. */
  maxBodyBytes?: number;
  /** Where unexpected failures are reported; default stderr. */
  log?: (line: string) => void;
}

/** The response shape of a service: its XML namespace, and EC2's envelope or not. */
interface Shape {
  namespace: string;
  ec2: boolean;
}

const DEFAULT_SHAPE: Shape = { namespace: XML_NAMESPACES.elasticloadbalancing, ec2: false };
const INTERNAL_FAILURE_MESSAGE = 'We encountered an internal error. Please try again.';
/** How long a connection whose body was refused stays open for the response to reach the client. */
const CLOSE_AFTER_REFUSAL_MS = 1000;

/** True for the requests the API answers: `/` (with any query string). */
export function isApiRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)) === '/';
}

type BodyOutcome = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads the whole body, or stops at the first byte beyond `limit` (pausing the request). */
function readBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      req.pause();
      resolve({ ok: false, reason: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        chunks.length = 0;
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.once('error', () => finish({ ok: false, reason: 'aborted' }));
    req.once('close', () => finish(req.complete ? { ok: true, body: Buffer.concat(chunks, size) } : { ok: false, reason: 'aborted' }));
  });
}

/** Answers Query-protocol API requests; see the file comment for the flow. */
export class ApiServer {
  readonly #store: StateStore;
  readonly #masterKey: MasterKey;
  readonly #arnContext: ArnContext;
  readonly #health: HealthView;
  readonly #monitoring: Monitoring | undefined;
  readonly #now: () => number;
  readonly #randomHex: (bytes: number) => string;
  readonly #services: Readonly<Record<string, ApiService>>;
  readonly #maxBodyBytes: number;
  readonly #log: (line: string) => void;
  readonly #secrets: AccessKeySecrets;

  constructor(opts: ApiServerOptions) {
    this.#store = opts.store;
    this.#masterKey = opts.masterKey;
    this.#arnContext = opts.arnContext;
    this.#health = opts.health;
    this.#monitoring = opts.monitoring;
    this.#now = opts.now ?? Date.now;
    this.#randomHex = opts.randomHex;
    this.#services = opts.services ?? defaultServices;
    this.#maxBodyBytes = opts.maxBodyBytes ?? MAX_QUERY_BODY_BYTES;
    this.#log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#secrets = new AccessKeySecrets(opts.store, opts.masterKey, this.#log);
  }

  /** The node:http request listener; never throws, every failure becomes an error response. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    this.#serve(req, res, requestId).catch((err: unknown) => {
      this.#log(`albatross: api: internal failure (RequestId ${requestId}): ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent && !res.destroyed) {
        this.#send(res, requestId, 500, renderError('InternalFailure', INTERNAL_FAILURE_MESSAGE, requestId, { type: 'Receiver' }));
      } else {
        res.destroy();
      }
    });
  };

  #send(res: ServerResponse, requestId: string, status: number, xml: string, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.from(xml, 'utf8');
    res.writeHead(status, {
      'content-type': XML_CONTENT_TYPE,
      'content-length': String(body.length),
      'x-amzn-RequestId': requestId,
      ...headers,
    });
    res.end(body);
  }

  #sendError(res: ServerResponse, requestId: string, shape: Shape, code: string, message: string, status: number): void {
    const xml = renderError(code, message, requestId, {
      ec2: shape.ec2,
      namespace: shape.namespace,
      type: status >= 500 ? 'Receiver' : 'Sender',
    });
    this.#send(res, requestId, status, xml);
  }

  async #serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);

    if (method !== 'GET' && method !== 'POST') {
      req.resume();
      this.#send(res, requestId, 405, renderError('InvalidAction', `The API answers GET and POST requests, not ${method}.`, requestId), { allow: 'GET, POST' });
      return;
    }

    // 1. The body, bounded.
    const read = await readBody(req, this.#maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      this.#refuseBody(req, res, requestId);
      return;
    }
    const body = read.body;

    // 2. The service, by credential scope.
    const scope = credentialScope(req.headers, query);
    const service = scope === undefined ? undefined : this.#services[scope.service];
    const shape: Shape = service ? { namespace: service.namespace, ec2: service.ec2 } : DEFAULT_SHAPE;
    if (scope !== undefined && service === undefined) {
      const known = Object.keys(this.#services).map((s) => `'${s}'`).join(', ');
      this.#sendError(res, requestId, shape, 'SignatureDoesNotMatch',
        `Credential should be scoped to correct service: this endpoint answers ${known}, not '${scope.service}'.`, 403);
      return;
    }

    // 3. Authentication, before anything is decoded or run.
    await this.#secrets.refresh();
    const verified = verifySigV4({ method, path, query, headers: req.headers, body }, (id) => this.#secrets.secretFor(id), this.#now());
    if (!verified.ok) {
      this.#sendError(res, requestId, shape, verified.code, verified.message, verified.httpStatus);
      return;
    }
    if (service === undefined) {
      this.#sendError(res, requestId, shape, 'MissingAuthenticationToken', SIGV4_MESSAGES.missing, 403);
      return;
    }

    // 4. Parameters, action, version; 5. the result.
    let action = '';
    try {
      if (method === 'POST' && body.length > 0 && !isFormUrlEncoded(req.headers['content-type'])) {
        throw new AlbatrossError('ValidationError', 'The request body must be application/x-www-form-urlencoded (the AWS Query protocol).');
      }
      const params = decodeQueryRequest(query, body);
      action = this.#actionName(params);
      this.#checkVersion(service, action, params);
      const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
      if (handler === undefined) throw this.#invalidAction(service, action, service.version);
      const { Action: _action, Version: _version, ...actionParams } = params;
      const ctx: ActionContext = {
        store: this.#store,
        masterKey: this.#masterKey,
        arnContext: this.#arnContext,
        now: this.#now,
        randomHex: this.#randomHex,
        health: this.#health,
        requestId,
        monitoring: this.#monitoring,
      };
      const result = await handler(actionParams, ctx);
      this.#send(res, requestId, 200, renderResult(action, service.namespace, result, requestId, { ec2: service.ec2 }));
    } catch (err) {
      if (err instanceof AlbatrossError) {
        this.#sendError(res, requestId, shape, err.code, err.message, err.httpStatus);
        return;
      }
      this.#log(`albatross: api: ${action || 'request'} failed (RequestId ${requestId}): ${(err as Error)?.stack ?? String(err)}`);
      this.#sendError(res, requestId, shape, 'InternalFailure', INTERNAL_FAILURE_MESSAGE, 500);
    }
  }

  /** 413, `Connection: close`; the rest of the body is never read, the socket closes soon after. */
  #refuseBody(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const xml = renderError('RequestEntityTooLarge', `The request body is larger than the ${this.#maxBodyBytes} bytes the API accepts.`, requestId);
    const socket = req.socket;
    res.once('finish', () => setTimeout(() => socket.destroy(), CLOSE_AFTER_REFUSAL_MS).unref());
    res.once('close', () => setTimeout(() => socket.destroy(), CLOSE_AFTER_REFUSAL_MS).unref());
    this.#send(res, requestId, 413, xml, { connection: 'close' });
  }

  #actionName(params: QueryStruct): string {
    const action = params.Action;
    if (action === undefined || action === '') {
      throw new AlbatrossError('MissingAction', 'The request must contain the parameter Action.');
    }
    if (typeof action !== 'string') throw new AlbatrossError('ValidationError', "Parameter 'Action' must be a single value.");
    return action;
  }

  #invalidAction(service: ApiService, action: string, version: string): AlbatrossError {
    if (service.ec2) return new AlbatrossError('InvalidAction', `The action ${action} is not valid for this web service.`);
    return new AlbatrossError('InvalidAction', `Could not find operation ${action} for version ${version}`);
  }

  /**
   * AWS's answers to a missing or other `Version`: elasticloadbalancing and iam say
   * `InvalidAction` "Could not find operation X for version NO_VERSION_SPECIFIED" (or the version
   * sent); EC2 says `MissingParameter` / `InvalidParameterValue`.
   */
  #checkVersion(service: ApiService, action: string, params: QueryStruct): void {
    const version = params.Version;
    if (version !== undefined && typeof version !== 'string') {
      throw new AlbatrossError('ValidationError', "Parameter 'Version' must be a single value.");
    }
    if (version === service.version) return;
    if (service.ec2) {
      if (version === undefined || version === '') throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Version.');
      throw new AlbatrossError('InvalidParameterValue', `Value (${version}) for parameter Version is invalid. This endpoint answers version ${service.version}.`);
    }
    throw this.#invalidAction(service, action, version === undefined || version === '' ? 'NO_VERSION_SPECIFIED' : version);
  }
}

/** The request listener for `POST /` and `GET /?Action=...` of the admin endpoint. */
export function createApiHandler(opts: ApiServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return new ApiServer(opts).handle;
}
