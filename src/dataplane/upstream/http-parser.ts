/**
 * Node's own native HTTP/1.1 parser (llhttp), as its http client and server use it. It parses a
 * response in C++ and hands headers over as strings, which makes the upstream side of a proxy
 * far cheaper than a JavaScript or WebAssembly parser (see docs/ARCHITECTURE.md, "Upstream").
 */
import { createRequire } from 'node:module';

export interface NativeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): undefined | Error;
  /** Reads the stream handle directly, in C++; results arrive through `kOnExecute`. */
  consume(handle: object): void;
  close(): void;
  free(): void;
  [key: number]: unknown;
}

interface HttpParserClass {
  new (): NativeHttpParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

const require = createRequire(import.meta.url);

export const HTTPParser = (require('_http_common') as { HTTPParser: HttpParserClass }).HTTPParser;
