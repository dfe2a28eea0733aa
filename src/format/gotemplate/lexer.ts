// Go's text/template/parse lexer: splits a template into text and action
// tokens. A lexing error becomes a final 'error' token, so the parser reports
// whichever problem comes first in the source, as Go does.
import { quoteGo } from './escape.js';

export type TokenType =
  | 'text'
  | 'left' // {{
  | 'right' // }}
  | 'space'
  | 'field' // .Name
  | 'variable' // $ or $name
  | 'identifier' // function name
  | 'keyword' // if, else, end, range, with, break, continue, define, template, block
  | 'dot'
  | 'nil'
  | 'bool'
  | 'number'
  | 'charConst' // 'a'
  | 'string'
  | 'rawString'
  | 'char' // any other printable ASCII, e.g. ','
  | 'pipe'
  | 'declare' // :=
  | 'assign' // =
  | 'lparen'
  | 'rparen'
  | 'eof'
  | 'error';

export interface Token {
  type: TokenType;
  value: string;
  pos: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);
const describeRune = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;

type State = 'text' | 'inside' | 'done';

export function lex(input: string): Token[] {
  const l = new Lexer(input);
  let state: State = 'text';
  while (state !== 'done') state = state === 'text' ? l.lexText() : l.lexInside();
  return l.tokens;
}

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  private peek(): string | undefined {
    const cp = this.input.codePointAt(this.pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private next(): string | undefined {
    const c = this.peek();
    if (c !== undefined) this.pos += c.length;
    return c;
  }

  private accept(valid: string): boolean {
    const c = this.peek();
    if (c === undefined || !valid.includes(c)) return false;
    this.pos += c.length;
    return true;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private emit(type: TokenType): void {
    this.tokens.push({ type, value: this.input.slice(this.start, this.pos), pos: this.start });
    this.start = this.pos;
  }

  private fail(message: string): State {
    this.tokens.push({ type: 'error', value: message, pos: this.start });
    return 'done';
  }

  // "{{- " trims the whitespace before the action, " -}}" the whitespace after.
  // The space is required so that "{{-3}}" is still the number -3.
  private hasLeftTrim(at: number): boolean {
    return this.input[at] === '-' && isSpace(this.input[at + 1]);
  }

  private atRightDelim(): { delim: boolean; trim: boolean } {
    const { input, pos } = this;
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) return { delim: true, trim: true };
    return { delim: input.startsWith('}}', pos), trim: false };
  }

  private skipLeadingSpace(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
    this.start = this.pos;
  }

  lexText(): State {
    const x = this.input.indexOf('{{', this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit('text');
      this.emit('eof');
      return 'done';
    }
    this.pos = x;
    if (this.hasLeftTrim(x + 2)) while (this.pos > this.start && isSpace(this.input[this.pos - 1])) this.pos--;
    if (this.pos > this.start) this.emit('text');
    this.pos = x + 2;
    this.start = x;
    const after = this.hasLeftTrim(this.pos) ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + after)) return this.lexComment(this.pos + after);
    this.emit('left');
    this.pos += after;
    this.start = this.pos;
    this.parenDepth = 0;
    return 'inside';
  }

  // Comments must sit right against the delimiters: {{/* ... */}}.
  private lexComment(at: number): State {
    this.start = at;
    const end = this.input.indexOf('*/', at + 2);
    if (end < 0) return this.fail('unclosed comment');
    this.pos = end + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) return this.fail('comment ends before closing delimiter');
    this.pos += trim ? 4 : 2;
    if (trim) this.skipLeadingSpace();
    this.start = this.pos;
    return 'text';
  }

  lexInside(): State {
    const { delim, trim } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth !== 0) return this.fail('unclosed left paren');
      if (trim) this.start = this.pos += 2;
      this.pos += 2;
      this.emit('right');
      if (trim) this.skipLeadingSpace();
      return 'text';
    }
    const c = this.next();
    if (c === undefined) return this.fail('unclosed action');
    if (isSpace(c)) return this.lexSpace();
    switch (c) {
      case '=':
        this.emit('assign');
        return 'inside';
      case ':':
        if (this.next() !== '=') return this.fail('expected :=');
        this.emit('declare');
        return 'inside';
      case '|':
        this.emit('pipe');
        return 'inside';
      case '"':
        return this.lexQuote('"', 'string', 'unterminated quoted string');
      case "'":
        return this.lexQuote("'", 'charConst', 'unterminated character constant');
      case '`':
        return this.lexRawQuote();
      case '$':
        return this.lexFieldOrVariable('variable');
      case '(':
        this.emit('lparen');
        this.parenDepth++;
        return 'inside';
      case ')':
        this.emit('rparen');
        if (--this.parenDepth < 0) return this.fail(`unexpected right paren ${describeRune(c)}`);
        return 'inside';
    }
    const d = this.input[this.pos];
    if (c === '.' && d !== undefined && !(d >= '0' && d <= '9')) return this.lexFieldOrVariable('field');
    if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      this.pos = this.start;
      return this.lexNumber();
    }
    if (isAlnum(c)) return this.lexIdentifier();
    if (c.codePointAt(0)! < 0x7f && c >= ' ') {
      this.emit('char');
      return 'inside';
    }
    return this.fail(`unrecognized character in action: ${describeRune(c)}`);
  }

  private lexSpace(): State {
    let n = 1;
    while (isSpace(this.input[this.pos])) [this.pos, n] = [this.pos + 1, n + 1];
    // The last space may belong to a " -}}" trim marker.
    if (this.input[this.pos] === '-' && this.input.startsWith('}}', this.pos + 1)) {
      this.pos--;
      if (n === 1) return 'inside';
    }
    this.emit('space');
    return 'inside';
  }

  /** Whether an identifier may end here: Go breaks .X.Y into .X and .Y. */
  private atTerminator(): boolean {
    const c = this.peek();
    return c === undefined || isSpace(c) || '.,|:)(}'.includes(c);
  }

  private lexIdentifier(): State {
    while (isAlnum(this.peek())) this.next();
    if (!this.atTerminator()) return this.fail(`bad character ${describeRune(this.peek()!)}`);
    const word = this.input.slice(this.start, this.pos);
    if (KEYWORDS.has(word)) this.emit('keyword');
    else if (word === 'nil') this.emit('nil');
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
    return 'inside';
  }

  /** After '.' or '$': a lone one is the dot or the root variable. */
  private lexFieldOrVariable(type: 'field' | 'variable'): State {
    if (this.atTerminator()) {
      this.emit(type === 'field' ? 'dot' : 'variable');
      return 'inside';
    }
    while (isAlnum(this.peek())) this.next();
    if (!this.atTerminator()) return this.fail(`bad character ${describeRune(this.peek()!)}`);
    this.emit(type);
    return 'inside';
  }

  private lexQuote(quote: string, type: TokenType, unterminated: string): State {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== undefined && c !== '\n') continue;
      }
      if (c === undefined || c === '\n') return this.fail(unterminated);
      if (c === quote) break;
    }
    this.emit(type);
    return 'inside';
  }

  private lexRawQuote(): State {
    const end = this.input.indexOf('`', this.pos);
    if (end < 0) return this.fail('unterminated raw quoted string');
    this.pos = end + 1;
    this.emit('rawString');
    return 'inside';
  }

  // Deliberately loose, like Go's: the parser rejects what doesn't convert.
  private lexNumber(): State {
    const bad = () => this.fail(`bad number syntax: ${quoteGo(this.input.slice(this.start, this.pos))}`);
    if (!this.scanNumber()) return bad();
    const sign = this.peek();
    if ((sign === '+' || sign === '-') && (!this.scanNumber() || this.input[this.pos - 1] !== 'i')) return bad();
    this.emit('number');
    return 'inside';
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlnum(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}
