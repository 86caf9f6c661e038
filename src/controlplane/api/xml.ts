/**
 * AWS Query-protocol XML responses, written from plain JS values by a small escaping writer.
 *
 * elasticloadbalancing / iam:
 *   <ActionResponse xmlns="…"><ActionResult>…</ActionResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>
 *   lists are <Name><member>…</member>…</Name>
 * ec2:
 *   <ActionResponse xmlns="…"><requestId>…</requestId>…fields…</ActionResponse>
 *   lists are <name><item>…</item>…</name>; element names are EC2's own (lowerCamel: securityGroupInfo,
 *   groupId, ipPermissions…), which the caller spells out, this writer does not rename anything.
 *
 * Object keys become elements in insertion order; arrays become lists; a Map becomes a Query map
 * (`<entry><key>…</key><value>…</value></entry>`, e.g. CloudWatch's ExtendedStatistics); strings are escaped;
 * numbers, bigints and booleans are written as text; Dates as ISO 8601 (`2026-11-25T10:15:00.000Z`);
 * undefined and null are left out.
 */

export const XML_NAMESPACES = {
  elasticloadbalancing: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
} as const;

export type XmlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | readonly XmlValue[]
  | ReadonlyMap<string, XmlValue>
  | XmlObject;

export interface XmlObject {
  readonly [name: string]: XmlValue;
}

export interface RenderOptions {
  /** EC2's envelope (`<requestId>` first, no Result/ResponseMetadata) and `<item>` lists. */
  ec2?: boolean;
}

export interface ErrorOptions {
  /** EC2's `<Response><Errors>…</Errors><RequestID>…</RequestID></Response>` shape. */
  ec2?: boolean;
  /** Namespace of the Query `ErrorResponse`; default elasticloadbalancing's. Ignored for ec2. */
  namespace?: string;
  /** `Sender` (the caller's fault, default) or `Receiver` (the server's, for 5xx). */
  type?: 'Sender' | 'Receiver';
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for element content and attribute values. `\r` is written as `&#13;` so that a
 * parser's newline normalisation keeps it; characters XML cannot carry become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      default: return '&#13;';
    }
  });
}

function checkName(name: string): string {
  if (!ELEMENT_NAME.test(name)) throw new TypeError(`not an XML element name: '${name}'`);
  return name;
}

function scalarText(value: string | number | bigint | boolean | Date, where: string): string {
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${where}: ${value} cannot be written to XML`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${where}: invalid Date`);
    return value.toISOString();
  }
  return String(value);
}

/** Writes `value` as the content of an element (its children or its text) into `out`. */
function writeContent(out: string[], value: XmlValue, listItem: string, where: string): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value as readonly XmlValue[]) {
      if (item === undefined || item === null) continue;
      out.push(`<${listItem}>`);
      writeContent(out, item, listItem, `${where}[]`);
      out.push(`</${listItem}>`);
    }
    return;
  }
  if (value instanceof Map) {
    for (const [key, item] of value as ReadonlyMap<string, XmlValue>) {
      out.push(`<entry><key>${escapeXml(key)}</key><value>`);
      writeContent(out, item, listItem, `${where}[${key}]`);
      out.push('</value></entry>');
    }
    return;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    writeFields(out, value as XmlObject, listItem, where);
    return;
  }
  out.push(scalarText(value as string | number | bigint | boolean | Date, where));
}

function writeFields(out: string[], fields: XmlObject, listItem: string, where: string): void {
  for (const [name, child] of Object.entries(fields)) {
    if (child === undefined || child === null) continue;
    checkName(name);
    out.push(`<${name}>`);
    writeContent(out, child, listItem, where === '' ? name : `${where}.${name}`);
    out.push(`</${name}>`);
  }
}

/** The XML of a plain value (fields of an object, `<member>`/`<item>` lists), without an envelope. */
export function renderXmlFields(fields: XmlObject, options: RenderOptions = {}): string {
  const out: string[] = [];
  writeFields(out, fields, options.ec2 ? 'item' : 'member', '');
  return out.join('');
}

/**
 * A successful response. `result` undefined leaves out the `<ActionResult>` element (as AWS does
 * for actions without output, e.g. iam DeleteServerCertificate); `{}` writes an empty one (as
 * elasticloadbalancing does, e.g. `<DeleteTargetGroupResult/>`).
 */
export function renderResult(
  action: string,
  namespace: string,
  result: XmlObject | undefined,
  requestId: string,
  options: RenderOptions = {},
): string {
  checkName(action);
  const ns = escapeXml(namespace);
  const out: string[] = [];
  if (options.ec2) {
    out.push(XML_DECLARATION, `<${action}Response xmlns="${ns}">`, `<requestId>${escapeXml(requestId)}</requestId>`);
    if (result !== undefined) writeFields(out, result, 'item', '');
    out.push(`</${action}Response>`);
    return out.join('');
  }
  out.push(`<${action}Response xmlns="${ns}">`);
  if (result !== undefined) {
    out.push(`<${action}Result>`);
    writeFields(out, result, 'member', '');
    out.push(`</${action}Result>`);
  }
  out.push(`<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`, `</${action}Response>`);
  return out.join('');
}

/** An error response in AWS's shape: Query `ErrorResponse`, or EC2's `Response/Errors`. */
export function renderError(code: string, message: string, requestId: string, options: ErrorOptions = {}): string {
  const c = escapeXml(code);
  const m = escapeXml(message);
  const id = escapeXml(requestId);
  if (options.ec2) {
    return `${XML_DECLARATION}<Response><Errors><Error><Code>${c}</Code><Message>${m}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`;
  }
  const ns = escapeXml(options.namespace ?? XML_NAMESPACES.elasticloadbalancing);
  const type = options.type ?? 'Sender';
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${c}</Code><Message>${m}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
}

/** Content type of every API response. */
export const XML_CONTENT_TYPE = 'text/xml';
