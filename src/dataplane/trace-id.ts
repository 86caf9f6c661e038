/**
 * `X-Amzn-Trace-Id: Root=1-<8 hex epoch seconds>-<24 hex>`. The 24 hex digits are a random
 * per-worker prefix plus a counter: unique without a random draw per request.
 */
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(6).toString('hex');
let counter = 0;
let epochSecond = 0;
let head = '';

export function nextTraceId(nowMs: number): string {
  const s = (nowMs / 1000) | 0;
  if (s !== epochSecond) {
    epochSecond = s;
    head = 'Root=1-' + s.toString(16).padStart(8, '0') + '-' + prefix;
  }
  counter = (counter + 1) % 0x1000000000000;
  return head + counter.toString(16).padStart(12, '0');
}
