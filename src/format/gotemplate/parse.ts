// Go's text/template/parse parser, minus define/template/block: one template only.
import type { Arg, Command, Node, Pipe } from './ast.js';
import { TemplateError } from './errors.js';
import { quoteGo, unquote, unquoteChar } from './escape.js';
import { FUNCS } from './funcs.js';
import { lex, type Token, type TokenType } from './lexer.js';

/**
 * How deeply {{if}}/{{with}}/{{range}} (each link of an {{else if}} chain included) and
 * parenthesized pipelines may nest, counted together. Parsing, and executing the tree, recurse
 * a few frames per level on JavaScript's fixed stack (about 1 MB), so a deep enough template
 * ended in "Maximum call stack size exceeded": the costliest level, (print (print …)), ran out
 * at about 1,100 under the test runner. 100 stays ten times below that, and deeper than any
 * format a person writes. Go caps only parentheses (at 10000, its stacks grow); the wording is
 * its execution limit's, which bounds the same recursion.
 */
export const MAX_DEPTH = 100;

/** {{else}} and {{end}} close a list; they never reach the tree. */
type Closer = { kind: 'end' } | { kind: 'else'; chained: boolean };

export function parse(src: string): Node[] {
  return new Parser(src).parseRoot();
}

/** A number literal's value, following strconv's base-prefix rules. */
function parseNumber(text: string): number {
  if (text.endsWith('i')) throw new Error('complex numbers are not supported');
  const sign = text.startsWith('-') ? -1 : 1;
  let body = text.replace(/^[+-]/, '');
  // Underscores may only separate digits (or follow a base prefix).
  const exponent = /^0[xX]/.test(body) ? /_[pP]|[pP][+-]?_/ : /_[eE]|[eE][+-]?_/;
  if (/__|_$|^_|_\.|\._/.test(body) || exponent.test(body)) throw new Error(`illegal number syntax: ${quoteGo(text)}`);
  body = body.replace(/_/g, '');
  const radix: [RegExp, number][] = [
    [/^0[xX]([0-9a-fA-F]+)$/, 16],
    [/^0[oO]?([0-7]+)$/, 8],
    [/^0[bB]([01]+)$/, 2],
  ];
  for (const [re, base] of radix) {
    const m = re.exec(body);
    if (m) return sign * parseInt(m[1]!, base);
  }
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body) && !/^0\d*[89]\d*$/.test(body)) return sign * Number(body);
  throw new Error(`illegal number syntax: ${quoteGo(text)}`);
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  /** Variables in scope; control structures drop what they declared at {{end}}. */
  private readonly vars = ['$'];
  private rangeDepth = 0;
  /** Controls and parentheses open around the current token (see MAX_DEPTH). */
  private depth = 0;

  constructor(private readonly src: string) {
    this.tokens = lex(src);
  }

  private next(): Token {
    return this.tokens[this.i++] ?? this.tokens[this.tokens.length - 1]!;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private fail(message: string): never {
    const t = this.tokens[Math.max(0, Math.min(this.i, this.tokens.length) - 1)]!;
    const line = this.src.slice(0, t.pos).split('\n').length;
    throw new TemplateError(`template: :${line}: ${message}`);
  }

  private describe(t: Token): string {
    if (t.type === 'eof') return 'EOF';
    if (t.type === 'keyword' || t.type === 'dot' || t.type === 'nil') return `<${t.value}>`;
    return [...t.value].length > 10 ? quoteGo([...t.value].slice(0, 10).join('')) + '...' : quoteGo(t.value);
  }

  /** Parses one nesting level, refusing to go deeper than MAX_DEPTH. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private unexpected(t: Token, context: string): never {
    this.fail(t.type === 'error' ? t.value : `unexpected ${this.describe(t)} in ${context}`);
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  /** Where the last non-space token before index `at` ends. */
  private endBefore(at: number): number {
    let j = at - 1;
    while (j > 0 && this.tokens[j]!.type === 'space') j--;
    const t = this.tokens[j]!;
    return t.pos + t.value.length;
  }

  parseRoot(): Node[] {
    const root: Node[] = [];
    while (this.peek().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected {{${n.kind}}}`);
      root.push(n);
    }
    return root;
  }

  private itemList(): [Node[], Closer] {
    const list: Node[] = [];
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | Closer {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { kind: 'text', text: t.value };
    if (t.type === 'left') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node | Closer {
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'if':
        case 'with':
        case 'range':
          return this.control(t.value, t);
        case 'else':
          return this.elseControl();
        case 'end':
          this.expect('right', 'end');
          return { kind: 'end' };
        case 'break':
        case 'continue': {
          const close = this.nextNonSpace();
          if (close.type !== 'right') this.unexpected(close, `{{${t.value}}}`);
          if (this.rangeDepth === 0) this.fail(`{{${t.value}}} outside {{range}}`);
          return { kind: t.value, pos: t.pos, end: close.pos };
        }
        default:
          this.fail(`{{${t.value}}} is not supported`);
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'right');
    return { kind: 'action', pos: t.pos, end: pipe.end, pipe };
  }

  private control(kind: 'if' | 'with' | 'range', t: Token): Node {
    return this.nested(() => this.controlBody(kind, t));
  }

  private controlBody(kind: 'if' | 'with' | 'range', t: Token): Node {
    const scope = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'right');
      if (kind === 'range') this.rangeDepth++;
      const [list, closer] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: Node[] | undefined;
      if (closer.kind === 'else') {
        const p = this.peek();
        // {{else if x}} / {{else with x}} is {{else}}{{if x}}...{{end}}{{end}},
        // the inner control consuming the one {{end}}.
        if (closer.chained && kind !== 'range' && p.type === 'keyword' && p.value === kind) {
          elseList = [this.control(kind, this.next())];
        } else {
          let last: Closer;
          [elseList, last] = this.itemList();
          if (last.kind !== 'end') this.fail('expected end; found {{else}}');
        }
      }
      return { kind, pos: t.pos, end: pipe.end, pipe, list, elseList };
    } finally {
      this.vars.length = scope;
    }
  }

  private elseControl(): Closer {
    const p = this.peekNonSpace();
    if (p.type === 'keyword' && (p.value === 'if' || p.value === 'with')) return { kind: 'else', chained: true };
    this.expect('right', 'else');
    return { kind: 'else', chained: false };
  }

  private pipeline(context: string, end: TokenType): Pipe {
    const first = this.peekNonSpace();
    const pipe: Pipe = { pos: first.pos, end: first.pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: "$x :=", "$x =", or in range "$i, $v :=".
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const at = this.i;
      this.next();
      const op = this.peekNonSpace();
      if (op.type === 'declare' || op.type === 'assign') {
        this.nextNonSpace();
        pipe.isAssign = op.type === 'assign';
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        break;
      }
      if (op.type === 'char' && op.value === ',') {
        this.nextNonSpace();
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'right' || p === 'rparen') continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.i = at; // just a variable used as an operand
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        pipe.end = this.endBefore(this.i - 1);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConst':
        case 'number':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'lparen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: Pipe, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'literal' || k === 'dot' || k === 'nil') this.fail(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  private command(): Command {
    const cmd: Command = { pos: this.peekNonSpace().pos, end: 0, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'right' || t.type === 'rparen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    cmd.end = cmd.args[cmd.args.length - 1]!.end;
    return cmd;
  }

  /** A term, possibly followed by .Field accesses. */
  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    const end = this.endBefore(this.i);
    switch (node.kind) {
      case 'field':
        return { ...node, names: [...node.names, ...fields], end };
      case 'variable':
        return { ...node, fields: [...node.fields, ...fields], end };
      case 'literal':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${quoteGo(this.src.slice(node.pos, node.end))}`);
      default:
        return { kind: 'chain', pos: node.pos, end, node, fields };
    }
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    const span = { pos: t.pos, end: t.pos + t.value.length };
    const literal = (read: (text: string) => string | number) => {
      try {
        return { kind: 'literal' as const, value: read(t.value), ...span };
      } catch (e) {
        this.fail((e as Error).message);
      }
    };
    switch (t.type) {
      case 'identifier':
        if (!FUNCS.has(t.value)) this.fail(`function ${quoteGo(t.value)} not defined`);
        return { kind: 'identifier', name: t.value, ...span };
      case 'dot':
        return { kind: 'dot', ...span };
      case 'nil':
        return { kind: 'nil', ...span };
      case 'variable':
        if (!this.vars.includes(t.value)) this.fail(`undefined variable ${quoteGo(t.value)}`);
        return { kind: 'variable', name: t.value, fields: [], ...span };
      case 'field':
        return { kind: 'field', names: [t.value.slice(1)], ...span };
      case 'bool':
        return { kind: 'literal', value: t.value === 'true', ...span };
      case 'number':
        return literal(parseNumber);
      case 'charConst':
        return literal(unquoteChar);
      case 'string':
      case 'rawString':
        return literal(unquote);
      case 'lparen': {
        const pipe = this.nested(() => this.pipeline('parenthesized pipeline', 'rparen'));
        return { kind: 'pipe', pipe, pos: t.pos, end: this.endBefore(this.i) };
      }
      default:
        this.backup();
        return undefined;
    }
  }
}
