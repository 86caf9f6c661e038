/**
 * Command-line values as the AWS CLI reads them: shorthand syntax (`Id=10.0.0.1,Port=80`,
 * `Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn,Weight=1}]}`), JSON (a value
 * starting with `[` or `{`), and `file://path` for a file's contents; then converted to the
 * parameter's shape (numbers, booleans, a lone value where a list is expected), with unknown
 * keys refused.
 *
 * The shorthand grammar and its quirks (values separated by commas become lists, a value may
 * hold `=`, quotes, `\,`) are those of the AWS CLI's `awscli/shorthand.py` (Apache-2.0), ported
 * so that the same argument means the same thing to `albatross` and to `aws`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Shape, StructureShape } from './shapes.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A value the user gave that cannot be read; the message says where and why. */
export class ParamError extends Error {
  override readonly name = 'ParamError';
}

// ---------------------------------------------------------------------------------------------
// The shorthand parser (syntax only)

type Parsed = string | Parsed[] | { [key: string]: Parsed };

export class ShorthandSyntaxError extends ParamError {}

// Character classes of awscli's parser: what may start a bare value, and what may follow in the
// first value of a key (which may hold `=`) and in the later values of a comma list (which may not).
const START_WORD = '!#-&(-+\\--<>-Z\\\\-z\\u007c-\\uffff';
const FIRST_FOLLOW = '\\s!#-&(-+\\--\\\\^-|~-\\uffff';
const SECOND_FOLLOW = '\\s!#-&(-+\\--<>-\\uffff';
const ESCAPED_COMMA = '(\\\\,)';
const FIRST_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${FIRST_FOLLOW}])*`, 'y');
const SECOND_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${SECOND_FOLLOW}])*`, 'y');
const SINGLE_QUOTED = /'(?:\\\\|\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:\\\\|\\"|[^"])*"/y;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = /\s/;

class ShorthandParser {
  #input = '';
  #i = 0;

  parse(value: string): { [key: string]: Parsed } {
    this.#input = value;
    this.#i = 0;
    return this.#parameter();
  }

  #parameter(): { [key: string]: Parsed } {
    const params: { [key: string]: Parsed } = {};
    const [key, val] = this.#keyval();
    params[key] = val;
    let lastIndex = this.#i;
    while (this.#i < this.#input.length) {
      this.#expect(',', true);
      const [k, v] = this.#keyval();
      if (Object.hasOwn(params, k)) {
        throw new ShorthandSyntaxError(
          `Second instance of key "${k}" encountered for input:\n${this.#location(lastIndex + 1)}\n` +
            'This is often because there is a preceding "," instead of a space.',
        );
      }
      params[k] = v;
      lastIndex = this.#i;
    }
    return params;
  }

  #keyval(): [string, Parsed] {
    const key = this.#key();
    this.#expect('=', true);
    return [key, this.#values()];
  }

  #key(): string {
    const start = this.#i;
    while (!this.#eof() && KEY_CHARS.test(this.#input[this.#i]!)) this.#i++;
    return this.#input.slice(start, this.#i);
  }

  #values(): Parsed {
    if (this.#eof()) return '';
    if (this.#current() === '[') return this.#explicitList();
    if (this.#current() === '{') return this.#hashLiteral();
    return this.#csvValue();
  }

  #csvValue(): Parsed {
    const first = this.#firstValue();
    this.#skipWhitespace();
    if (this.#eof() || this.#input[this.#i] !== ',') return first;
    this.#expect(',', true);
    const csv: string[] = [first];
    for (;;) {
      try {
        const current = this.#secondValue();
        this.#skipWhitespace();
        if (this.#eof()) {
          csv.push(current);
          break;
        }
        this.#expect(',', true);
        csv.push(current);
      } catch (err) {
        // `a=b,c=d`: what followed the comma was the next key, not another value of this one.
        if (!(err instanceof ShorthandSyntaxError) || this.#eof()) throw err;
        while (this.#i >= 0 && this.#input[this.#i] !== ',') this.#i--;
        break;
      }
    }
    return csv.length === 1 ? first : csv;
  }

  #bareValue(): string {
    const m = this.#match(FIRST_VALUE);
    return m === undefined ? '' : m.replace(/\\,/g, ',').trimEnd();
  }

  #explicitList(): Parsed[] {
    this.#expect('[', true);
    const values: Parsed[] = [];
    while (this.#current() !== ']') {
      values.push(this.#explicitValue());
      this.#skipWhitespace();
      if (this.#current() !== ']') {
        this.#expect(',');
        this.#skipWhitespace();
      }
    }
    this.#expect(']');
    return values;
  }

  #explicitValue(): Parsed {
    if (this.#current() === '[') return this.#explicitList();
    if (this.#current() === '{') return this.#hashLiteral();
    return this.#firstValue();
  }

  #hashLiteral(): { [key: string]: Parsed } {
    this.#expect('{', true);
    const out: { [key: string]: Parsed } = {};
    while (this.#current() !== '}') {
      const key = this.#key();
      this.#expect('=', true);
      const v = this.#explicitValue();
      this.#skipWhitespace();
      if (this.#current() !== '}') {
        this.#expect(',');
        this.#skipWhitespace();
      }
      out[key] = v;
    }
    this.#expect('}');
    return out;
  }

  #firstValue(): string {
    if (this.#current() === "'") return this.#quoted(SINGLE_QUOTED, "'");
    if (this.#current() === '"') return this.#quoted(DOUBLE_QUOTED, '"');
    return this.#bareValue();
  }

  #secondValue(): string {
    if (this.#current() === "'") return this.#quoted(SINGLE_QUOTED, "'");
    if (this.#current() === '"') return this.#quoted(DOUBLE_QUOTED, '"');
    return this.#mustMatch(SECOND_VALUE, 'second').replace(/\\,/g, ',').trimEnd();
  }

  #quoted(re: RegExp, quote: string): string {
    const raw = this.#mustMatch(re, quote === "'" ? 'singled quoted' : 'double quoted').slice(1, -1);
    return raw.split(`\\${quote}`).join(quote).split('\\\\').join('\\');
  }

  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#i;
    const m = re.exec(this.#input);
    if (m === null) return undefined;
    this.#i += m[0].length;
    return m[0];
  }

  #mustMatch(re: RegExp, name: string): string {
    const m = this.#match(re);
    if (m === undefined) throw this.#syntaxError(`<${name}>`, '<none>');
    return m;
  }

  #expect(char: string, skipWhitespace = false): void {
    if (skipWhitespace) this.#skipWhitespace();
    if (this.#eof()) throw this.#syntaxError(char, 'EOF');
    const actual = this.#input[this.#i]!;
    if (actual !== char) throw this.#syntaxError(char, actual);
    this.#i++;
    if (skipWhitespace) this.#skipWhitespace();
  }

  #syntaxError(expected: string, actual: string): ShorthandSyntaxError {
    return new ShorthandSyntaxError(`Expected: '${expected}', received: '${actual}' for input:\n${this.#location(this.#i)}`);
  }

  /** The input with a caret under `index`. */
  #location(index: number): string {
    return `${this.#input}\n${' '.repeat(Math.max(0, index))}^`;
  }

  #current(): string | undefined {
    return this.#i < this.#input.length ? this.#input[this.#i] : undefined;
  }

  #eof(): boolean {
    return this.#i >= this.#input.length;
  }

  #skipWhitespace(): void {
    while (!this.#eof() && WHITESPACE.test(this.#input[this.#i]!)) this.#i++;
  }
}

/** Parses shorthand syntax into strings, lists and objects (no types yet): `a=b,c` → `{a: ['b', 'c']}`. */
export function parseShorthand(text: string): { [key: string]: Parsed } {
  return new ShorthandParser().parse(text);
}

// ---------------------------------------------------------------------------------------------
// Converting to a shape

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a structure';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Brings a parsed value to `shape`: `'80'` → 80 for integers, `'true'` → true for booleans, a
 * lone value → a one-element list. `path` names the value in messages (`Targets[0].Port`).
 */
export function toShape(value: unknown, shape: Shape, path: string): JsonValue {
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ParamError(`Invalid type for parameter ${path}: expected a structure, got ${typeName(value)}`);
      }
      const out: JsonObject = {};
      const valid = Object.keys(shape.members);
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.members[key];
        if (member === undefined) {
          throw new ParamError(`Unknown parameter in ${path}: "${key}", must be one of: ${valid.join(', ')}`);
        }
        if (v === null || v === undefined) continue;
        out[key] = toShape(v, member.shape, path === '' ? key : `${path}.${key}`);
      }
      return out;
    }
    case 'list': {
      const items = Array.isArray(value) ? value : [value];
      return items.map((item, i) => toShape(item, shape.member, `${path}[${i}]`));
    }
    case 'integer':
    case 'long': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
      throw new ParamError(`Invalid value for parameter ${path}: ${JSON.stringify(value)} is not an integer`);
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw new ParamError(`Invalid value for parameter ${path}: ${JSON.stringify(value)} is not true or false`);
    }
    default: {
      if (typeof value === 'string') return value;
      // `HttpCode=200,202` reads as a comma list; where one value is expected, it is that text
      // (the AWS CLI would ask for `HttpCode="200,202"`).
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new ParamError(`Invalid type for parameter ${path}: expected a single value, got ${typeName(value)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Command-line arguments

/**
 * `file://path` → the file's contents (UTF-8); `~` is the home directory, relative paths are
 * from the working directory. Any other value is returned as it is.
 */
export function readParamFile(value: string, option: string): string {
  const m = /^fileb?:\/\/(.*)$/s.exec(value);
  if (m === null) return value;
  let path = m[1]!;
  if (path === '~' || path.startsWith('~/')) path = homedir() + path.slice(1);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ParamError(`Error parsing parameter '${option}': Unable to load paramfile ${value}: ${(err as Error).message}`);
  }
}

function parseJson(text: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ParamError(`Error parsing parameter '${option}': Invalid JSON: ${(err as Error).message}\nJSON received: ${text}`);
  }
}

function looksLikeJson(text: string, open: '[' | '{' | '[{'): boolean {
  const c = text.trimStart()[0];
  return c !== undefined && open.includes(c);
}

function shorthandOrJson(text: string, option: string): unknown {
  if (looksLikeJson(text, '{')) return parseJson(text, option);
  try {
    return parseShorthand(text);
  } catch (err) {
    if (err instanceof ShorthandSyntaxError) throw new ParamError(`Error parsing parameter '${option}': ${err.message}`);
    throw err;
  }
}

/**
 * The value of one option as the user typed it (one string, or several for a list), read into
 * the member's shape the way the AWS CLI does:
 * - a list: one JSON array (`'[{"Id":"a"}]'`), or one element per word, each JSON (`{...}`) or
 *   shorthand for a list of structures, a plain value for a list of scalars;
 * - a structure: JSON (`{...}`) or shorthand;
 * - a scalar: the text (an integer is checked and converted).
 * Every word may be `file://path`.
 */
export function readArgument(raw: string | readonly string[], shape: Shape, option: string, memberName: string): JsonValue {
  const words = (typeof raw === 'string' ? [raw] : raw).map((w) => readParamFile(w, option));
  try {
    if (shape.type === 'list') {
      if (words.length === 1 && looksLikeJson(words[0]!, '[')) return toShape(parseJson(words[0]!, option), shape, memberName);
      const complex = shape.member.type === 'structure' || shape.member.type === 'list';
      return toShape(
        words.map((w) => (complex ? shorthandOrJson(w, option) : w)),
        shape,
        memberName,
      );
    }
    const word = words[words.length - 1]!;
    if (shape.type === 'structure') return toShape(shorthandOrJson(word, option), shape, memberName);
    return toShape(word, shape, memberName);
  } catch (err) {
    if (err instanceof ParamError && !err.message.startsWith('Error parsing parameter')) {
      throw new ParamError(`Error parsing parameter '${option}': ${err.message}`);
    }
    throw err;
  }
}

/** `--cli-input-json`: a JSON object of the action's input members (or file://). */
export function readInputJson(raw: string, input: StructureShape): JsonObject {
  const text = readParamFile(raw, '--cli-input-json');
  const parsed = parseJson(text, '--cli-input-json');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ParamError("Error parsing parameter '--cli-input-json': the JSON must be an object of the action's parameters");
  }
  try {
    return toShape(parsed, input, '') as JsonObject;
  } catch (err) {
    throw new ParamError(`Error parsing parameter '--cli-input-json': ${(err as Error).message.replace('Unknown parameter in : ', 'Unknown parameter: ')}`);
  }
}
