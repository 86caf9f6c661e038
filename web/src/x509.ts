/**
 * Just enough DER to name a certificate's domains in the Certificates list: the subject's common
 * name and the DNS names of its subjectAltName. Anything unexpected gives no names, never an error.
 */

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > b.length) throw new RangeError('truncated');
  return { tag, start, end: start + len };
}

function children(b: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(b, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

const ascii = (b: Uint8Array, t: Tlv): string => new TextDecoder().decode(b.subarray(t.start, t.end));
const bytesEqual = (b: Uint8Array, t: Tlv, want: number[]): boolean => t.end - t.start === want.length && want.every((x, i) => b[t.start + i] === x);

const OID_COMMON_NAME = [0x55, 0x04, 0x03];
const OID_SUBJECT_ALT_NAME = [0x55, 0x1d, 0x11];

function pemBytes(pem: string): Uint8Array | undefined {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) return undefined;
  const raw = atob(m[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** The subject CN and SAN DNS names of the first certificate in `pem`, CN first, without repeats. */
export function certificateDomains(pem: string): string[] {
  try {
    const b = pemBytes(pem);
    if (b === undefined) return [];
    const tbs = children(b, readTlv(b, 0))[0]!;
    const parts = children(b, tbs);
    // [0] version is optional; then serial, signature, issuer, validity, subject.
    const base = parts[0]!.tag === 0xa0 ? 1 : 0;
    const names: string[] = [];
    for (const rdn of children(b, parts[base + 4]!)) {
      for (const atv of children(b, rdn)) {
        const [oid, value] = children(b, atv);
        if (oid !== undefined && value !== undefined && bytesEqual(b, oid, OID_COMMON_NAME)) names.push(ascii(b, value));
      }
    }
    const extensions = parts.find((p) => p.tag === 0xa3);
    if (extensions !== undefined) {
      for (const ext of children(b, children(b, extensions)[0]!)) {
        const fields = children(b, ext);
        if (!bytesEqual(b, fields[0]!, OID_SUBJECT_ALT_NAME)) continue;
        const octets = fields[fields.length - 1]!;
        for (const name of children(b, readTlv(b, octets.start))) if (name.tag === 0x82) names.push(ascii(b, name));
      }
    }
    return [...new Set(names)];
  } catch {
    return [];
  }
}
