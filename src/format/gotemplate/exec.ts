// Go's text/template execution over JS data (see values.ts for the mapping).
import type { Arg, Command, Control, Node, Pipe, Span } from './ast.js';
import { TemplateError } from './errors.js';
import { quoteGo } from './escape.js';
import { FUNCS, type Param } from './funcs.js';
import { formatValue } from './print.js';
import { goTypeName, isGoInt, isMap, lookupField, sortedKeys, truth } from './values.js';

/** "No value piped in", as opposed to a piped-in missing value (undefined). */
const NO_FINAL = Symbol('no final');

/** How {{break}} and {{continue}} travel up to their range. */
type Signal = 'break' | 'continue' | undefined;

const PARAM_TYPE: Record<Param, string> = { value: 'reflect.Value', any: 'interface {}', string: 'string', int: 'int', strings: '[]string' };

export function execute(src: string, root: Node[], data: unknown): string {
  const state = new State(src, data);
  state.walk(data, root);
  return state.out.join('');
}

class State {
  readonly out: string[] = [];
  /** Variable stack; blocks truncate it back when they end, as Go pops its marks. */
  private readonly vars: { name: string; value: unknown }[];

  constructor(
    private readonly src: string,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }];
  }

  private text(at: Span): string {
    return this.src.slice(at.pos, at.end).replace(/\s+/g, ' ').trim();
  }

  private fail(at: Span, message: string): never {
    const before = this.src.slice(0, at.pos);
    const line = before.split('\n').length;
    const col = at.pos - (before.lastIndexOf('\n') + 1);
    let context = [...this.text(at)];
    if (context.length > 20) context = [...context.slice(0, 20), '...'];
    throw new TemplateError(`template: :${line}:${col}: executing "" at <${context.join('')}>: ${message}`);
  }

  walk(dot: unknown, nodes: Node[]): Signal {
    for (const n of nodes) {
      const signal = this.walkNode(dot, n);
      if (signal) return signal;
    }
    return undefined;
  }

  private walkNode(dot: unknown, n: Node): Signal {
    switch (n.kind) {
      case 'text':
        this.out.push(n.text);
        return undefined;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.printValue(n, v);
        return undefined;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        try {
          const v = this.evalPipeline(dot, n.pipe);
          if (truth(v)) return this.walk(n.kind === 'with' ? v : dot, n.list);
          return n.elseList ? this.walk(dot, n.elseList) : undefined;
        } finally {
          this.vars.length = mark;
        }
      }
      case 'range':
        return this.walkRange(dot, n);
      case 'break':
      case 'continue':
        return n.kind;
    }
  }

  private printValue(at: Span, v: unknown): void {
    if (v === undefined) this.out.push('<no value>');
    else if (typeof v === 'function') this.fail(at, `can't print ${this.text(at)} of type ${goTypeName(v)}`);
    else this.out.push(formatValue(v));
  }

  private *rangeEntries(at: Span, val: unknown, nvars: number): Generator<[unknown, unknown]> {
    if (val === undefined || val === null) return;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) yield [i, val[i]];
    } else if (isMap(val)) {
      for (const k of sortedKeys(val)) yield [k, val[k]];
    } else if (isGoInt(val)) {
      if (nvars > 1) this.fail(at, `can't use ${val} to iterate over more than one variable`);
      for (let i = 0; i < val; i++) yield [i, i];
    } else {
      this.fail(at, `range can't iterate over ${formatValue(val)}`);
    }
  }

  private walkRange(dot: unknown, n: Control): Signal {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, n.pipe);
      const bodyMark = this.vars.length;
      const { decl, isAssign } = n.pipe;
      let ran = false;
      for (const [index, elem] of this.rangeEntries(n.pipe, val, decl.length)) {
        ran = true;
        // "range $v :=" sets $v to the element; "range $i, $v :=" sets both.
        if (isAssign && decl.length === 1) this.setVar(n, decl[0]!, elem);
        if (isAssign && decl.length === 2) {
          this.setVar(n, decl[0]!, index);
          this.setVar(n, decl[1]!, elem);
        }
        // Declared variables are the top of the stack, the element's last.
        if (!isAssign && decl.length >= 1) this.vars[bodyMark - 1]!.value = elem;
        if (!isAssign && decl.length === 2) this.vars[bodyMark - 2]!.value = index;
        const signal = this.walk(elem, n.list);
        this.vars.length = bodyMark;
        if (signal === 'break') break;
      }
      // A {{break}} in the else list ends this range, as in Go; {{continue}} goes on up.
      if (!ran && n.elseList && this.walk(dot, n.elseList) === 'continue') return 'continue';
      return undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private evalPipeline(dot: unknown, pipe: Pipe): unknown {
    let value: unknown = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(pipe, name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private varValue(at: Span, name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(at, `undefined variable: ${name}`);
  }

  private setVar(at: Span, name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.fail(at, `undefined variable: ${name}`);
  }

  private notAFunction(args: Arg[], final: unknown): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(args[0]!, `can't give argument to non-function ${this.text(args[0]!)}`);
  }

  /** `final` is the previous pipeline stage's value, passed as the last argument. */
  private evalCommand(dot: unknown, cmd: Command, final: unknown): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.names, cmd.args, final);
      case 'chain':
        return this.evalFieldChain(dot, this.chainReceiver(dot, first), first, first.fields, cmd.args, final);
      case 'variable': {
        const v = this.varValue(first, first.name);
        if (first.fields.length > 0) return this.evalFieldChain(dot, v, first, first.fields, cmd.args, final);
        this.notAFunction(cmd.args, final);
        return v;
      }
      case 'identifier':
        return this.evalCall(dot, first.name, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
    }
    this.notAFunction(cmd.args, final);
    if (first.kind === 'nil') this.fail(first, 'nil is not a command');
    return first.kind === 'dot' ? dot : first.value;
  }

  /** An operand used as an argument. */
  private evalArg(dot: unknown, a: Arg): unknown {
    switch (a.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'literal':
        return a.value;
      case 'field':
        return this.evalFieldChain(dot, dot, a, a.names, [a], NO_FINAL);
      case 'variable': {
        const v = this.varValue(a, a.name);
        return a.fields.length ? this.evalFieldChain(dot, v, a, a.fields, [a], NO_FINAL) : v;
      }
      case 'chain':
        return this.evalFieldChain(dot, this.chainReceiver(dot, a), a, a.fields, [a], NO_FINAL);
      case 'pipe':
        return this.evalPipeline(dot, a.pipe);
      case 'identifier':
        return this.evalCall(dot, a.name, a, [a], NO_FINAL);
    }
  }

  private chainReceiver(dot: unknown, chain: Extract<Arg, { kind: 'chain' }>): unknown {
    if (chain.node.kind === 'nil') this.fail(chain, `indirection through explicit nil in ${this.text(chain)}`);
    return this.evalArg(dot, chain.node);
  }

  /** .A.B.C: only the last field, if a method, receives the command's arguments. */
  private evalFieldChain(dot: unknown, recv: unknown, at: Span, names: string[], args: Arg[], final: unknown): unknown {
    for (const name of names.slice(0, -1)) recv = this.evalField(dot, name, at, [], NO_FINAL, recv);
    return this.evalField(dot, names[names.length - 1]!, at, args, final, recv);
  }

  private evalField(dot: unknown, name: string, at: Span, args: Arg[], final: unknown, recv: unknown): unknown {
    // Missing and nil values have no fields: the result is missing too, never an error.
    if (recv === undefined || recv === null) return undefined;
    if (typeof recv === 'object' || typeof recv === 'function') {
      const field = lookupField(recv, name);
      if (field && 'method' in field) {
        const argv = args.slice(1).map((a) => this.evalArg(dot, a) ?? null);
        if (final !== NO_FINAL) argv.push(final ?? null);
        return this.invoke(at, name, () => field.method(...argv));
      }
      if (isMap(recv)) {
        if (args.length > 1 || final !== NO_FINAL) this.fail(at, `${name} is not a method but has arguments`);
        return field?.value;
      }
    }
    this.fail(at, `can't evaluate field ${name} in type ${goTypeName(recv)}`);
  }

  private invoke(at: Span, name: string, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (e) {
      this.fail(at, `error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Check an argument against a Go parameter type. */
  private coerce(at: Span, param: Param, v: unknown): unknown {
    switch (param) {
      case 'value':
        return v;
      case 'any':
        return v ?? null;
      case 'string':
        if (typeof v === 'string') return v;
        break;
      case 'int':
        if (isGoInt(v)) return v;
        break;
      case 'strings':
        if (Array.isArray(v)) return v;
        if (v === undefined || v === null) return []; // a nil slice
        break;
    }
    if (v === undefined || v === null) this.fail(at, `invalid value; expected ${PARAM_TYPE[param]}`);
    this.fail(at, `wrong type for value; expected ${PARAM_TYPE[param]}; got ${goTypeName(v)}`);
  }

  private evalCall(dot: unknown, name: string, at: Span, args: Arg[], final: unknown): unknown {
    const fn = FUNCS.get(name);
    if (!fn) this.fail(at, `${quoteGo(name)} is not a defined function`);
    const argNodes = args.slice(1);
    const hasFinal = final !== NO_FINAL;
    const numIn = argNodes.length + (hasFinal ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic && numIn < fixed) this.fail(at, `wrong number of args for ${name}: want at least ${fixed} got ${argNodes.length}`);
    if (!fn.variadic && numIn !== fixed) this.fail(at, `wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    const paramAt = (i: number): Param => fn.params[i] ?? fn.variadic!;

    // and/or stop at the first argument that decides the result, and return it.
    if (name === 'and' || name === 'or') {
      let v: unknown;
      for (const a of argNodes) {
        v = this.evalArg(dot, a);
        if (truth(v) === (name === 'or')) return v;
      }
      return hasFinal ? final : v;
    }

    const argv = argNodes.map((a, i) => this.coerce(a, paramAt(i), this.evalArg(dot, a)));
    if (hasFinal) argv.push(this.coerce(at, paramAt(numIn - 1), final));
    return this.invoke(at, name, () => fn.fn(...argv));
  }
}
