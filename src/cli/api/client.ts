/**
 * A client of the admin endpoint's AWS Query API: parameters serialized as the AWS SDKs do
 * (`Targets.member.1.Id`, EC2's `IpPermissions.1.IpRanges.1.CidrIp`), a form-encoded `POST /`
 * signed with Signature V4 for the service's credential scope, and the XML response read back
 * into the JSON the AWS CLI prints: AWS's member names, lists, numbers, booleans and timestamps
 * in their places, guided by the action's output shape.
 */
import http from 'node:http';
import https from 'node:https';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signSigV4, uriEncode, type SigningCredentials } from '../../controlplane/api/sigv4.ts';
import { ec2QueryName, ec2XmlName, type Shape, type StructureShape } from './shapes.ts';
import type { JsonObject, JsonValue } from './shorthand.ts';
import type { ServiceInfo } from './commands.ts';
import { ApiError, EndpointError } from './errors.ts';

export { ApiError, EndpointError };

// ---------------------------------------------------------------------------------------------
// Serializing

/**
 * The Query parameters of `value` (an action's input) under `shape`: structures as `Name.Field`,
 * lists as `Name.member.N` (EC2: `Name.N`, with EC2's wire names), booleans as true/false. An
 * empty list is sent as `Name=` (the SDKs' way; EC2 sends nothing).
 */
export function serializeQuery(value: JsonObject, shape: StructureShape, ec2: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: JsonValue, s: Shape, prefix: string): void => {
    if (v === null || v === undefined) return;
    switch (s.type) {
      case 'structure': {
        const o = v as JsonObject;
        for (const [name, member] of Object.entries(s.members)) {
          if (o[name] === undefined || o[name] === null) continue;
          const key = ec2 ? ec2QueryName(name, member) : name;
          walk(o[name], member.shape, prefix === '' ? key : `${prefix}.${key}`);
        }
        return;
      }
      case 'list': {
        const items = v as JsonValue[];
        if (items.length === 0) {
          if (!ec2) out.push([prefix, '']);
          return;
        }
        items.forEach((item, i) => walk(item, s.member, ec2 ? `${prefix}.${i + 1}` : `${prefix}.member.${i + 1}`));
        return;
      }
      case 'boolean':
        out.push([prefix, v === true || v === 'true' ? 'true' : 'false']);
        return;
      default:
        out.push([prefix, String(v)]);
    }
  };
  walk(value, shape, '');
  return out;
}

/** `application/x-www-form-urlencoded` text, every reserved character percent-encoded. */
export function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
}

// ---------------------------------------------------------------------------------------------
// Reading XML

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name: string) => name === 'member' || name === 'item',
});

type XmlNode = string | { [name: string]: XmlNode | XmlNode[] } | XmlNode[];

/** Parses an XML document into nested objects; undefined when it is not well-formed XML. */
export function parseXml(xml: string): Record<string, XmlNode> | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined;
  return parser.parse(xml) as Record<string, XmlNode>;
}

/**
 * A timestamp as the AWS CLI v2 prints it (Python's `datetime.isoformat()` of the parsed value):
 * `2026-11-25T10:15:00+00:00`, `2026-11-25T10:15:00.123000+00:00`.
 */
export function formatTimestamp(raw: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(raw.trim());
  if (m) {
    const micro = (m[3] ?? '').slice(0, 6).padEnd(6, '0');
    const fraction = /^0*$/.test(micro) ? '' : `.${micro}`;
    const zone = m[4] === undefined || m[4] === 'Z' ? '+00:00' : m[4].includes(':') ? m[4] : `${m[4].slice(0, 3)}:${m[4].slice(3)}`;
    return `${m[1]}T${m[2]}${fraction}${zone === '-00:00' ? '+00:00' : zone}`;
  }
  if (/^\d+(\.\d+)?$/.test(raw.trim())) {
    const iso = new Date(Number(raw) * 1000).toISOString();
    return formatTimestamp(iso);
  }
  return raw;
}

function textOf(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return textOf(node[0]);
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

/** One XML element's content read as `shape`, the way botocore's parsers read it. */
export function fromXml(node: XmlNode | undefined, shape: Shape, ec2: boolean): JsonValue {
  switch (shape.type) {
    case 'structure': {
      const out: JsonObject = {};
      if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return out;
      for (const [name, member] of Object.entries(shape.members)) {
        const child = node[ec2 ? ec2XmlName(name, member) : name];
        if (child === undefined) continue;
        out[name] = fromXml(Array.isArray(child) ? child[0] : child, member.shape, ec2);
      }
      return out;
    }
    case 'list': {
      if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return [];
      const items = node[ec2 ? 'item' : 'member'];
      const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
      return list.map((item) => fromXml(item, shape.member, ec2));
    }
    case 'integer':
    case 'long': {
      const t = textOf(node).trim();
      return /^[-+]?\d+$/.test(t) ? Number(t) : t;
    }
    case 'boolean':
      return textOf(node).trim() === 'true';
    case 'timestamp':
      return formatTimestamp(textOf(node));
    default:
      return textOf(node);
  }
}

/** The result of a successful response, read as `output`. */
export function readResult(xml: string, action: string, output: StructureShape, ec2: boolean): JsonObject {
  const doc = parseXml(xml);
  const root = doc?.[`${action}Response`];
  if (root === undefined || typeof root !== 'object' || Array.isArray(root)) {
    throw new ApiError('InvalidResponse', `The response is not a ${action}Response: ${xml.slice(0, 200)}`, action, 200);
  }
  const body = ec2 ? root : root[`${action}Result`];
  return fromXml(body as XmlNode | undefined, output, ec2) as JsonObject;
}

/**
 * The error of a failed response: the Query `ErrorResponse/Error` or EC2's `Response/Errors/Error`;
 * without one, the HTTP status and its reason (as botocore does).
 */
export function readError(xml: string, action: string, status: number): ApiError {
  const doc = parseXml(xml);
  let error: XmlNode | undefined;
  let requestId: string | undefined;
  const query = doc?.ErrorResponse;
  const ec2 = doc?.Response;
  if (query && typeof query === 'object' && !Array.isArray(query)) {
    error = query.Error as XmlNode | undefined;
    requestId = textOf(query.RequestId as XmlNode | undefined) || undefined;
  } else if (ec2 && typeof ec2 === 'object' && !Array.isArray(ec2)) {
    const errors = ec2.Errors;
    if (errors && typeof errors === 'object' && !Array.isArray(errors)) error = errors.Error as XmlNode | undefined;
    requestId = textOf((ec2.RequestID ?? ec2.RequestId) as XmlNode | undefined) || undefined;
  }
  if (Array.isArray(error)) error = error[0];
  if (error && typeof error === 'object' && !Array.isArray(error)) {
    const code = textOf(error.Code as XmlNode | undefined);
    if (code !== '') return new ApiError(code, textOf(error.Message as XmlNode | undefined), action, status, requestId);
  }
  return new ApiError(String(status), http.STATUS_CODES[status] ?? '', action, status, requestId);
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface ClientOptions {
  /** `http://127.0.0.1:8400` (a path, if any, is the API's). */
  endpoint: string;
  credentials: SigningCredentials;
  region: string;
  /** Give up on a request after this long; default 60 s. */
  timeoutMs?: number;
  now?: () => number;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** Largest response read (a list of every resource stays far below). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class QueryClient {
  readonly #url: URL;
  readonly #opts: ClientOptions;

  constructor(opts: ClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw new EndpointError(`Invalid endpoint: ${opts.endpoint}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EndpointError(`Invalid endpoint: ${opts.endpoint} (http:// or https://)`);
    this.#url = url;
    this.#opts = opts;
  }

  get endpoint(): string {
    return this.#url.href;
  }

  /** Calls `action` with `params` serialized under `input`; resolves to the result read as `output`. */
  async call(service: ServiceInfo, action: string, params: JsonObject, input: StructureShape, output: StructureShape): Promise<JsonObject> {
    const pairs: Array<[string, string]> = [['Action', action], ['Version', service.version], ...serializeQuery(params, input, service.ec2)];
    const res = await this.send(service.signingName, formEncode(pairs));
    if (res.status >= 200 && res.status < 300) return readResult(res.body, action, output, service.ec2);
    throw readError(res.body, action, res.status);
  }

  /** POSTs a form body signed for `signingName`; resolves to the status and body. */
  send(signingName: string, body: string): Promise<RawResponse> {
    const url = this.#url;
    const path = url.pathname || '/';
    const headers = signSigV4(
      {
        method: 'POST',
        path,
        query: '',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      },
      this.#opts.credentials,
      { region: this.#opts.region, service: signingName, nowMs: (this.#opts.now ?? Date.now)() },
    );
    const payload = Buffer.from(body, 'utf8');
    headers['content-length'] = String(payload.length);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = transport.request(
        { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, method: 'POST', path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new EndpointError(`The response from ${url.href} is larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) => reject(new EndpointError(`Connection was closed before we received a valid response from endpoint URL: "${url.href}": ${err.message}`)));
        },
      );
      req.setTimeout(this.#opts.timeoutMs ?? 60_000, () => {
        req.destroy(new EndpointError(`Read timeout on endpoint URL: "${url.href}"`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof EndpointError) reject(err);
        else if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH' || err.code === 'EAI_AGAIN') {
          reject(new EndpointError(`Could not connect to the endpoint URL: "${url.href}"`));
        } else {
          reject(new EndpointError(`Connection was closed before we received a valid response from endpoint URL: "${url.href}": ${err.message}`));
        }
      });
      req.end(payload);
    });
  }
}
