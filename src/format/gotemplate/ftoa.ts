// Float to decimal text like Go's strconv: %e, %f and %g with a precision
// round the exact binary value half-to-even (JS's toFixed rounds ties up, so
// 2.25 would give 2.3 where Go gives 2.2); shortest %g/%v uses JS's shortest
// round-trip digits, which are the same digits Go picks.

/** value = 0.digits × 10^point; digits has no trailing zeros ('' is zero). */
interface Decimal {
  digits: string;
  point: number;
}

/** The exact decimal expansion of a finite x >= 0. */
function exact(x: number): Decimal {
  if (x === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mant = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mant |= 1n << 52n;
  const exp = (biased === 0 ? 1 : biased) - 1075; // x = mant × 2^exp
  // mant / 2^k = mant × 5^k / 10^k
  const digits = exp >= 0 ? (mant << BigInt(exp)).toString() : (mant * 5n ** BigInt(-exp)).toString();
  const point = exp >= 0 ? digits.length : digits.length + exp;
  return { digits: digits.replace(/0+$/, ''), point };
}

/** Keep nd leading digits, rounding half to even like Go's decimal.Round. */
function round(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', point: d.point };
  if (d.digits.length <= nd) return d;
  const next = d.digits[nd]!;
  const halfway = next === '5' && nd + 1 === d.digits.length;
  const up = halfway ? nd > 0 && Number(d.digits[nd - 1]) % 2 === 1 : next >= '5';
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ''), point: d.point };
  if (nd === 0) return { digits: '1', point: d.point + 1 };
  const bumped = (BigInt(d.digits.slice(0, nd)) + 1n).toString();
  return { digits: bumped.replace(/0+$/, ''), point: d.point + (bumped.length - nd) };
}

/** The shortest digits that read back as x. */
function shortest(x: number): Decimal {
  if (x === 0) return { digits: '', point: 0 };
  const [mant, e] = x.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', '').replace(/0+$/, ''), point: Number(e) + 1 };
}

const digitAt = (d: Decimal, i: number) => d.digits[i] ?? '0';

function fmtE(d: Decimal, prec: number): string {
  let s = digitAt(d, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.point - 1;
  return s + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
}

function fmtF(d: Decimal, prec: number): string {
  let s = '';
  if (d.point > 0) for (let i = 0; i < d.point; i++) s += digitAt(d, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(d, d.point + i);
  }
  return s;
}

/** strconv.FormatFloat(x, verb, prec, 64) for x >= 0 finite; prec -1 is shortest. */
export function formatFloat(x: number, verb: 'e' | 'f' | 'g', prec: number): string {
  const short = prec < 0;
  let d: Decimal;
  if (short) d = shortest(x);
  else if (verb === 'e') d = round(exact(x), prec + 1);
  else if (verb === 'f') d = round(exact(x), exact(x).point + prec);
  else d = round(exact(x), prec === 0 ? 1 : prec);
  const nd = d.digits.length;
  if (verb === 'e') return fmtE(d, short ? Math.max(nd - 1, 0) : prec);
  if (verb === 'f') return fmtF(d, short ? Math.max(nd - d.point, 0) : prec);
  // %g: %e for large or small exponents, else %f, without trailing zeros.
  let p = short ? nd : prec === 0 ? 1 : prec;
  let eprec = p;
  if (eprec > nd && nd >= d.point) eprec = nd;
  if (short) eprec = 6;
  const exp = d.point - 1;
  if (d.digits !== '' && (exp < -4 || exp >= eprec)) return fmtE(d, Math.max(Math.min(p, nd) - 1, 0));
  if (p > d.point) p = nd;
  return fmtF(d, Math.max(p - d.point, 0));
}
