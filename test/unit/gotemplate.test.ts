// The Go template engine against the real one: @evertdespiegeleer/go-template is
// Go's text/template compiled to WASM. Where a case needs nothing docker-only,
// the expected output is whatever Go prints, so a wrong expectation can't hide
// a bug. Two oracle quirks shape the data: it decodes JSON (numbers are float64,
// so %d or int comparisons on data numbers differ from docker's int fields) and
// it runs with missingkey=error (so missing keys are only tested literally).
import { parse as goTemplate } from '@evertdespiegeleer/go-template';
import { describe, expect, it } from 'vitest';
import { GO_STRING, renderTemplate, TemplateError } from '../../src/format/gotemplate/index.js';
import { MAX_DEPTH } from '../../src/format/gotemplate/parse.js';

const inspect = {
  Id: '4f6d8b7e1c2a9b3d5e7f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
  Name: '/web',
  Driver: 'bridge',
  Created: 'wéb-✓',
  State: { Status: 'running', Running: true, Pid: 4242, ExitCode: 0 },
  Names: ['web', 'frontend'],
  Labels: { 'com.example.team': 'net', k: 'v', env: 'prod' },
  List: ['a', 'b', 'c'],
  Empty: [],
  EmptyMap: {},
  Zero: 0,
  Flag: false,
  Text: '',
  Ratio: 0.25,
  Tiny: 0.00001,
  Mounts: [
    { Source: '/data', Destination: '/var/lib/data', RW: true },
    { Source: '/etc/conf', Destination: '/conf', RW: false },
  ],
  Config: { Hostname: 'web-1', Env: ['PATH=/usr/bin', 'MODE=prod'], Cmd: ['nginx', '-g', 'daemon off;'] },
  NetworkSettings: {
    Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] },
    Networks: {
      bridge: { NetworkID: 'b1', IPAddress: '172.17.0.2', Gateway: '172.17.0.1', IPPrefixLen: 16, Aliases: ['web'] },
      isolated_nw: { NetworkID: 'i2', IPAddress: '10.0.0.2', Gateway: '10.0.0.1', IPPrefixLen: 24, Aliases: ['web', 'w'] },
    },
  },
};

type Case = [name: string, template: string, expected?: string];

/** Rendered by both engines; `expected`, when given, documents what Go prints. */
const oracleCases: Case[] = [
  ['field', '{{.Name}}', '/web'],
  ['nested field', '{{.NetworkSettings.Networks.bridge.IPAddress}}', '172.17.0.2'],
  [
    'range $k, $v over networks, keys sorted',
    '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}{{"\\n"}}{{end}}',
    'bridge 172.17.0.2\nisolated_nw 10.0.0.2\n',
  ],
  ['range $v over a map', '{{range $v := .NetworkSettings.Networks}}{{$v.NetworkID}},{{end}}', 'b1,i2,'],
  ['range over an array', '{{range .List}}{{.}},{{end}}', 'a,b,c,'],
  ['range $i, $e with a join idiom', '{{range $i, $e := .List}}{{if $i}}, {{end}}{{$i}}={{$e}}{{end}}', '0=a, 1=b, 2=c'],
  ['range over array of maps', '{{range .Mounts}}{{.Source}}:{{.Destination}}:{{.RW}} {{end}}'],
  ['range else on empty and nil', '{{range .Empty}}x{{else}}empty{{end}}|{{range .EmptyMap}}x{{else}}none{{end}}'],
  ['range over an int', '{{range $i := 3}}{{$i}}{{end}}', '012'],
  ['break and continue', '{{range $i, $v := .List}}{{if eq $i 0}}{{continue}}{{end}}{{if eq $v "c"}}{{break}}{{end}}{{$v}}{{end}}', 'b'],
  ['nested ranges with $.', '{{range .List}}{{$l := .}}{{range $.Names}}{{$l}}-{{.}} {{end}}{{end}}'],
  ['$ inside with', '{{with .NetworkSettings}}{{$.Name}} {{.Networks.bridge.Gateway}}{{end}}', '/web 172.17.0.1'],
  ['with sets dot', '{{with .NetworkSettings.Networks.bridge}}{{.Gateway}}/{{.IPPrefixLen}}{{end}}', '172.17.0.1/16'],
  ['with else, else with', '{{with .Text}}t{{else with .Empty}}e{{else}}neither{{end}}', 'neither'],
  ['if eq', '{{if eq .Driver "bridge"}}yes{{else}}no{{end}}', 'yes'],
  ['eq against several values', '{{eq .Driver "host" "bridge"}} {{eq .Driver "host" "none"}}', 'true false'],
  ['else if chain', '{{if .Zero}}zero{{else if .Flag}}flag{{else if .Labels}}labels{{else}}none{{end}}', 'labels'],
  ['truthiness', '{{if .Empty}}1{{end}}{{if .EmptyMap}}2{{end}}{{if .Zero}}3{{end}}{{if .Text}}4{{end}}{{if .Flag}}5{{end}}{{if .List}}6{{end}}'],
  ['and, or, not return values', '{{and 1 0 2}} {{or 0 "" "x"}} {{and .List .Name}} {{not .Empty}} {{or .Text .Zero}}'],
  ['comparisons', '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}} {{ne .Driver "host"}} {{lt .Ratio 0.5}}'],
  ['len of array, map, string in bytes', '{{len .List}} {{len .Labels}} {{len .Created}} {{len ""}}', '3 3 8 0'],
  ['index into map', '{{index .Labels "k"}} {{index .Labels "com.example.team"}}', 'v net'],
  ['index nested and into array', '{{index .NetworkSettings.Networks "bridge" "Aliases" 0}} {{index .List 1}}', 'web b'],
  ['slice of string and array', '{{slice .Name 1}} {{slice .List 1 2}} {{slice .List 0 0}}', 'web [b] []'],
  ['map printing', '{{.Labels}}', 'map[com.example.team:net env:prod k:v]'],
  ['array printing', '{{.List}} {{.Empty}} {{.Config.Cmd}}', '[a b c] [] [nginx -g daemon off;]'],
  ['nested map printing', '{{.NetworkSettings.Ports}} {{.NetworkSettings.Networks.bridge}}'],
  ['pipeline into printf %q', '{{.Name | printf "%q"}}', '"/web"'],
  ['multi-stage pipeline', '{{.Name | printf "%s!" | printf "%q" | len}}', '7'],
  ['parenthesised pipelines and chains', '{{(index .Mounts 1).Source}} {{len (index .Config.Env 0)}} {{(.NetworkSettings).Networks.bridge.NetworkID}}'],
  ['printf %s:%d with an int literal', '{{printf "%s:%d" .Name 8080}}', '/web:8080'],
  ['printf widths', '{{printf "%-10s|%5d|%05d|%5.1f|%-6v|" .Driver 42 -42 3.14159 .List}}'],
  ['printf verbs', '{{printf "%v %s %q %x %X %t %% %c %o %b %U" .Names .Name .List "hi" 255 .State.Running 65 8 5 9731}}'],
  ['printf errors are Go text', '{{printf "%d %s" "x"}} {{printf "%d" 1 2 "y"}} {{printf "%z" .Flag}} {{printf "%!"}}'],
  ['printf floats', '{{printf "%.2f %e %g %.3g %v %v" 2.345 1234.5678 0.000012345 3.14159 .Ratio .Tiny}}'],
  ['float data prints like Go', '{{.Ratio}} {{.Tiny}} {{.State.Pid}}', '0.25 1e-05 4242'],
  ['print and println spacing', '{{print 1 2 "a" "b" 3 .Flag}}|{{println .Name 1 2}}|{{print}}'],
  ['html, js and urlquery', `{{html "<a href='x'>&"}} {{js "it's \\"q\\" <b>="}} {{urlquery "a b&c/é"}} {{.Name | urlquery}}`],
  ['string and number literals', '{{"tab\\tq\\"\\u00e9\\x41"}} {{`raw\\n`}} {{\'a\'}} {{0x1F}} {{0o17}} {{1_000}} {{-3}} {{.5}} {{true}}'],
  ['variables: declare, assign, scope', '{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}{{range .List}}{{$x = .}}{{end}}{{$x}}', '21c'],
  ['comments', 'a{{/* a comment */}}b{{- /* trimmed */ -}} c', 'abc'],
  ['trim markers', 'NAME:\n  {{- range .Names}}\n  {{- " " }}{{.}}\n{{- end }}\n', 'NAME: web frontend\n'],
  ['trim does not eat -3', '{{-3}} {{- 3 -}} x', '-33x'],
  ['multi-line action', '{{printf "%s-%s"\n  .Driver\n  .Name}}', 'bridge-/web'],
  ['text with newlines between actions', '{{.Name}}\n{{.Driver}}\n', '/web\nbridge\n'],
];

/** Go-compatible behaviour the oracle can't show (see the header comment). */
const literalCases: Case[] = [
  ['missing key prints <no value>', '{{.Missing}}', '<no value>'],
  ['missing key deep in a chain', '{{.Missing.Deeper}}|{{.NetworkSettings.Networks.none.IPAddress}}', '<no value>|<no value>'],
  ['missing key as an argument is nil', '{{print .Missing}} {{if .Missing}}y{{else}}n{{end}} {{eq .Missing .Nope}} {{eq .Missing "x"}}', '<nil> n true false'],
  ['index of a missing map key', '{{index .Labels "nope"}}', '<no value>'],
  ['integers print as docker ints', '{{.Big}} {{printf "%s:%d" .Name .Port}} {{printf "%x" .Port}}', '1234567 /web:8080 1f90'],
  ['null prints <nil>', '{{.Null}} {{print .Null}} {{.Null.Field}}', '<nil> <nil> <no value>'],
];

// docker/cli templates.basicFunctions: the expected text is what docker prints.
const dockerCases: Case[] = [
  [
    'json of an object keeps key order',
    '{{json .NetworkSettings.Networks.bridge}}',
    '{"NetworkID":"b1","IPAddress":"172.17.0.2","Gateway":"172.17.0.1","IPPrefixLen":16,"Aliases":["web"]}',
  ],
  ['json of arrays, strings, missing', '{{json .Names}} {{json .Name}} {{json .Missing}} {{json .Empty}}', '["web","frontend"] "/web" null []'],
  ['json does not escape HTML', '{{json "<a&b>"}}', '"<a&b>"'],
  ['join', '{{join .Names ","}}|{{join .Empty ","}}', 'web,frontend|'],
  ['split', '{{split "a,b,c" ","}} {{index (split .Config.Hostname "-") 1}} {{len (split "abc" "")}}', '[a b c] 1 3'],
  ['title', '{{title "hello world-foo_bar"}}', 'Hello World-Foo_bar'],
  ['lower and upper', '{{lower "MiXeD"}} {{upper .Driver}} {{.Name | upper}}', 'mixed BRIDGE /WEB'],
  ['pad', '[{{pad .Driver 2 3}}] [{{pad "" 2 3}}]', '[  bridge   ] []'],
  ['truncate', '{{truncate .Id 12}} {{truncate "abc" 5}}', '4f6d8b7e1c2a abc'],
  ['docker table style', '{{.Name}}\t{{join .Names ","}}\t{{len .NetworkSettings.Networks}}', '/web\tweb,frontend\t2'],
];

const literalData = { ...inspect, Big: 1234567, Port: 8080, Null: null };

async function oracle(template: string, data: unknown): Promise<string> {
  return goTemplate(template, data);
}

describe('renderTemplate matches Go (WASM oracle)', () => {
  for (const [name, template, expected] of oracleCases) {
    it(name, async () => {
      const want = await oracle(template, inspect);
      if (expected !== undefined) expect(want).toBe(expected);
      expect(renderTemplate(template, inspect)).toBe(want);
    });
  }
});

describe('renderTemplate: Go semantics the oracle cannot show', () => {
  for (const [name, template, expected] of literalCases) {
    it(name, () => expect(renderTemplate(template, literalData)).toBe(expected));
  }
});

describe("renderTemplate: docker's functions", () => {
  for (const [name, template, expected] of dockerCases) {
    it(name, () => expect(renderTemplate(template, inspect)).toBe(expected));
  }
});

describe('Stringer values (GO_STRING)', () => {
  const data = {
    N: {
      bridge: { IPAddress: '172.17.0.2' },
      isolated_nw: { IPAddress: '10.0.0.2' },
      [GO_STRING]: () => '[bridge isolated_nw]',
    },
  };

  it('printing uses String()', () => {
    expect(renderTemplate('{{.N}}', data)).toBe('[bridge isolated_nw]');
    expect(renderTemplate('{{print .N}}|{{printf "%v|%s|%q|%10s" .N .N .N "x"}}', data)).toBe(
      '[bridge isolated_nw]|[bridge isolated_nw]|[bridge isolated_nw]|"[bridge isolated_nw]"|         x',
    );
    expect(renderTemplate('{{.}}', { X: data.N, [GO_STRING]: () => 'root' })).toBe('root');
  });

  it('range, field access, len and json ignore it', () => {
    expect(renderTemplate('{{range $k, $v := .N}}{{$k}} {{end}}', data)).toBe('bridge isolated_nw ');
    expect(renderTemplate('{{.N.bridge.IPAddress}} {{len .N}} {{json .N}}', data)).toBe(
      '172.17.0.2 2 {"bridge":{"IPAddress":"172.17.0.2"},"isolated_nw":{"IPAddress":"10.0.0.2"}}',
    );
  });

  it('applies inside arrays and maps too', () => {
    expect(renderTemplate('{{.L}} {{.M}}', { L: [data.N], M: { n: data.N } })).toBe('[[bridge isolated_nw]] map[n:[bridge isolated_nw]]');
  });
});

describe('methods and func values', () => {
  class Row {
    constructor(private readonly labels: Record<string, string>) {}
    Label(k: string) {
      return this.labels[k] ?? '';
    }
    get Count() {
      return Object.keys(this.labels).length;
    }
  }

  it('class methods take arguments, getters are fields, own functions go through call', () => {
    const data = { R: new Row({ a: 'x' }), F: (n: number) => n * 2 };
    expect(renderTemplate('{{.R.Label "a"}}|{{.R.Label "b"}}|{{.R.Count}}|{{call .F 21}}|{{"a" | .R.Label}}', data)).toBe('x||1|42|x');
  });
});

describe('errors', () => {
  const parseErrors: [string, string][] = [
    ['{{.Name', 'template: :1: unclosed action'],
    ['{{nope .X}}', 'template: :1: function "nope" not defined'],
    ['{{if .X}}a', 'template: :1: unexpected EOF'],
    ['a\n{{end}}', 'template: :2: unexpected {{end}}'],
    ['{{"abc}}', 'template: :1: unterminated quoted string'],
    ['{{$u}}', 'template: :1: undefined variable "$u"'],
    ['{{break}}', 'template: :1: {{break}} outside {{range}}'],
    ['{{/* c */ .X}}', 'template: :1: comment ends before closing delimiter'],
    ['{{.X | 1}}', 'template: :1: non executable command in pipeline stage 2'],
    ['{{"x".A}}', 'template: :1: unexpected . after term "\\"x\\""'],
  ];

  for (const [template, message] of parseErrors) {
    it(`parse error: ${JSON.stringify(template)}`, async () => {
      await expect(oracle(template, inspect)).rejects.toThrow(); // Go rejects it too
      expect(() => renderTemplate(template, inspect)).toThrow(new TemplateError(message));
    });
  }

  it('execution errors say where, on one line', () => {
    const cases: [string, string][] = [
      ['{{index .List 10}}', 'template: :1:2: executing "" at <index .List 10>: error calling index: index out of range: 10'],
      ['x\n  {{.Name.Foo}}', 'template: :2:4: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type string'],
      ['{{len 3}}', 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
      ['{{range .Name}}{{end}}', 'template: :1:8: executing "" at <.Name>: range can\'t iterate over /web'],
      ['{{printf 1}}', 'template: :1:9: executing "" at <1>: wrong type for value; expected string; got int'],
      ['{{eq .Name 1}}', 'template: :1:2: executing "" at <eq .Name 1>: error calling eq: incompatible types for comparison: string and int'],
    ];
    for (const [template, message] of cases) {
      expect(() => renderTemplate(template, inspect)).toThrow(new TemplateError(message));
    }
  });

  it('messages never span lines', () => {
    try {
      renderTemplate('{{printf\n"%s"\n.Name.X\n|\nlen}}', inspect);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('nesting depth', () => {
  // Every shape that recurses once per level, as a template nested n deep.
  const shapes: [string, (n: number) => string][] = [
    ['if', (n) => '{{if .}}'.repeat(n) + 'x' + '{{end}}'.repeat(n)],
    ['with', (n) => '{{with .}}'.repeat(n) + 'x' + '{{end}}'.repeat(n)],
    ['range', (n) => '{{range $i := 1}}'.repeat(n) + 'x' + '{{end}}'.repeat(n)],
    ['else if chain', (n) => '{{if not .}}' + '{{else if not .}}'.repeat(n - 1) + '{{else}}x{{end}}'],
    ['parentheses', (n) => '{{' + '('.repeat(n) + '"x"' + ')'.repeat(n) + '}}'],
    ['calls in parentheses', (n) => '{{print ' + '(print '.repeat(n) + '"x"' + ')'.repeat(n) + '}}'],
    ['fields of parentheses', (n) => '{{' + '('.repeat(n) + '.' + ').Name'.repeat(n) + '}}'],
    ['controls around parentheses', (n) => '{{if .}}'.repeat(n / 2) + '{{' + '('.repeat(n / 2) + '.' + ')'.repeat(n / 2) + '}}' + '{{end}}'.repeat(n / 2)],
  ];
  const tooDeep = new TemplateError(`template: :1: exceeded maximum template depth (${MAX_DEPTH})`);

  for (const [name, make] of shapes) {
    it(`${name}: ${MAX_DEPTH} levels render as Go renders them, deeper is a one-line template error`, async () => {
      let data: unknown = 'x';
      for (let i = 0; i < MAX_DEPTH; i++) data = { Name: data };
      const deepest = make(MAX_DEPTH);
      expect(renderTemplate(deepest, data)).toBe(await oracle(deepest, data));
      expect(() => renderTemplate(make(MAX_DEPTH + 2), data)).toThrow(tooDeep);
      // Far past what the JS stack survives: still the template error, never a RangeError.
      expect(() => renderTemplate(make(20_000), data)).toThrow(tooDeep);
    });
  }

  it('long pipelines and long lists of actions do not recurse: 20000 stages render', () => {
    expect(renderTemplate('{{"x"' + ' | print'.repeat(20_000) + '}}', {})).toBe('x');
    expect(renderTemplate('{{if .}}{{.}}{{end}}'.repeat(20_000), 1)).toBe('1'.repeat(20_000));
  });
});
