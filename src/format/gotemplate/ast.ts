// The parse tree. Spans are source offsets, used to place execution errors.

export interface Span {
  pos: number;
  end: number;
}

/** An operand of a command. */
export type Arg =
  | (Span & { kind: 'field'; names: string[] }) // .A.B
  | (Span & { kind: 'variable'; name: string; fields: string[] }) // $x.A.B
  | (Span & { kind: 'chain'; node: Arg; fields: string[] }) // (pipeline).A.B
  | (Span & { kind: 'identifier'; name: string }) // a function
  | (Span & { kind: 'pipe'; pipe: Pipe }) // (pipeline)
  | (Span & { kind: 'dot' })
  | (Span & { kind: 'nil' })
  | (Span & { kind: 'literal'; value: string | number | boolean });

/** A function or value followed by its arguments; one stage of a pipeline. */
export interface Command extends Span {
  args: Arg[];
}

/** Optional `$x :=` / `$x =` declarations, then commands joined by '|'. */
export interface Pipe extends Span {
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

/** if/with/range: `list` runs when the pipeline is true (non-empty for range). */
export interface Control extends Span {
  kind: 'if' | 'with' | 'range';
  pipe: Pipe;
  list: Node[];
  elseList?: Node[];
}

export type Node =
  | { kind: 'text'; text: string }
  | (Span & { kind: 'action'; pipe: Pipe })
  | Control
  | (Span & { kind: 'break' | 'continue' });
