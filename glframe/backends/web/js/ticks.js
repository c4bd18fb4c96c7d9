// ticks.js: an axis's ticks and labels in a page, by the rule of glframe/plot/_ticks.py.
//
// The same steps in the same order as the Python module (read its docstring for the
// rule): powers of ten parsed from "1e<k>", tick values from one multiplication or
// division of exact integers, labels written from those integers' digits, labels
// measured as len * charWidth (x) or fontSize (y). So a page whose camera runs here
// shows the labels Python would for the same range; test/ticks.test.mjs compares the
// two on random ranges.

export const SCALES = ['linear', 'log', 'time'];
export const MINUS = '\u2212';
const SUPERSCRIPT = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '-': '⁻' };
const MAX_INT = 2 ** 52;
const LN10 = 2.302585092994046;
const DAY = 86400;

export const pow10 = (k) => Number(`1e${k}`);
const scaled = (n, k) => (k >= 0 ? n * pow10(k) : n / pow10(-k));
const floorDiv = (a, b) => Math.floor(a / b);
const mod = (a, b) => a - b * Math.floor(a / b);
const pad = (v, n) => String(v).padStart(n, '0');
const nextStep = ([m, k]) => (m === 1 ? [2, k] : m === 2 ? [5, k] : [1, k + 1]);

function decade(x) {
  let k = Math.floor(Math.log10(x));
  while (pow10(k) > x) k -= 1;
  while (pow10(k + 1) <= x) k += 1;
  return k;
}

function firstStep(span) {
  const k = decade(span);
  for (const m of [1, 2, 5]) if (scaled(m, k) >= span) return [m, k];
  return [1, k + 1];
}

/** The exact decimal n * 10**k (n an integer), fixed or scientific, as Python writes it. */
export function decimalLabel(n, k, scientific) {
  if (n === 0) return scientific || k >= 0 ? '0' : `0.${'0'.repeat(-k)}`;
  const sign = n < 0 ? MINUS : '';
  let digits = String(Math.abs(n));
  if (scientific) {
    const significant = digits.replace(/0+$/, '');
    const exponent = digits.length - 1 + k;
    const mantissa = significant[0] + (significant.length > 1 ? `.${significant.slice(1)}` : '');
    return `${sign}${mantissa}e${String(exponent).replace('-', MINUS)}`;
  }
  if (k >= 0) return sign + digits + '0'.repeat(k);
  digits = digits.padStart(-k + 1, '0');
  return `${sign}${digits.slice(0, digits.length + k)}.${digits.slice(digits.length + k)}`;
}

/** 10 to the integer power e, with superscript digits. */
export const decadeLabel = (e) => `10${[...String(e)].map((c) => SUPERSCRIPT[c]).join('')}`;

function days(year, month, day) {
  const y = year - (month <= 2 ? 1 : 0);
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

function civil(d) {
  const z = d + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const dateLabel = (d) => {
  const [y, m, day] = civil(d);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(day, 2)}`;
};

function clock(t, seconds) {
  t = mod(Math.trunc(t), DAY);
  const hm = `${pad(floorDiv(t, 3600), 2)}:${pad(floorDiv(mod(t, 3600), 60), 2)}`;
  return seconds ? `${hm}:${pad(mod(t, 60), 2)}` : hm;
}

function* timeSteps(raw) {
  const steps = [];
  if (raw < 1) {
    let step = firstStep(raw);
    while (step[1] < 0) {
      steps.push(['sub', step, scaled(...step)]);
      step = nextStep(step);
    }
  }
  for (const s of [1, 2, 5, 10, 15, 30]) steps.push(['second', s, s]);
  for (const s of [1, 2, 5, 10, 15, 30]) steps.push(['second', 60 * s, 60 * s]);
  for (const s of [1, 2, 3, 6, 12]) steps.push(['second', 3600 * s, 3600 * s]);
  for (const s of [1, 2, 7, 14]) steps.push(['day', s * DAY, s * DAY]);
  for (const s of [1, 2, 3, 4, 6]) steps.push(['month', s, s * 30.4375 * DAY]);
  for (const [unit, step, seconds] of steps) if (seconds >= raw || unit === 'sub') yield [unit, step];
  let step = [1, 0];
  for (;;) {
    const years = scaled(...step);
    if (years * 365.25 * DAY >= raw || years > 1e9) yield ['year', years];
    if (years > 1e9) return;
    step = nextStep(step);
  }
}

class Rule {
  constructor(lo, hi, length, fontSize, vertical, charWidth, minSpacing) {
    Object.assign(this, { lo, hi, length, fontSize, vertical });
    this.charWidth = charWidth == null ? 0.64 * fontSize : charWidth;
    this.minSpacing = minSpacing == null ? (vertical ? 3.5 : 5) * fontSize : minSpacing;
  }

  pixels(p) { return ((p - this.lo) / (this.hi - this.lo)) * this.length; }

  fits(positions, labels) {
    const gap = 0.5 * this.fontSize;
    let previous = null;
    for (let i = 0; i < positions.length; i++) {
      const extent = this.vertical ? this.fontSize : labels[i].length * this.charWidth;
      const at = this.pixels(positions[i]);
      if (previous && at - previous[0] < (extent + previous[1]) / 2 + gap) return false;
      previous = [at, extent];
    }
    return true;
  }

  multiples(lo, hi, m, k) {
    const step = scaled(m, k);
    const n0 = Math.ceil(lo / step), n1 = Math.floor(hi / step);
    if (Math.max(Math.abs(n0), Math.abs(n1)) * m > MAX_INT || n1 - n0 > 1000) return null;
    const out = [];
    for (let n = n0; n <= n1; n++) out.push(n * m);
    return out;
  }

  linearLabels(ns, k) {
    const biggest = Math.max(...ns.map(Math.abs));
    const exponent = biggest ? String(biggest).length - 1 + k : 0;
    const scientific = biggest !== 0 && (exponent >= 6 || exponent <= -5);
    return ns.map((n) => decimalLabel(n, k, scientific));
  }

  nice(lo, hi, first, place) {
    let [m, k] = first;
    for (let i = 0; i < 60; i++) {
      const ns = this.multiples(lo, hi, m, k);
      if (ns === null) return empty();
      const labels = ns.length ? this.linearLabels(ns, k) : [];
      const positions = ns.map((n) => place(scaled(n, k)));
      if (ns.length <= 1 || this.fits(positions, labels)) {
        return { positions, labels, minor: this.linearMinor(lo, hi, m, k, place) };
      }
      [m, k] = nextStep([m, k]);
    }
    return empty();
  }

  linearMinor(lo, hi, m, k, place) {
    const [mm, kk] = { 1: [2, k - 1], 2: [5, k - 1], 5: [1, k] }[m];
    const ns = this.multiples(lo, hi, mm, kk);
    if (ns === null) return [];
    const major = m * (kk < k ? 10 : 1);
    return ns.filter((n) => n % major !== 0).map((n) => place(scaled(n, kk)));
  }

  rawStep() {
    const span = this.hi - this.lo;
    return Math.min((span * this.minSpacing) / this.length, span / 5);
  }

  linear() {
    const raw = this.rawStep();
    return this.nice(this.lo, this.hi, firstStep(raw), (v) => v);
  }

  log() {
    const { lo, hi } = this;
    if (hi - lo < 1) {
      const vlo = 10 ** lo, vhi = 10 ** hi;
      const raw = Math.min((this.minSpacing * (hi - lo) * vlo * LN10) / this.length, (vhi - vlo) / 5);
      return this.nice(vlo, vhi, firstStep(raw), Math.log10);
    }
    const perDecade = this.length / (hi - lo);
    let step = firstStep(Math.max(1, Math.min(this.minSpacing / perDecade, (hi - lo) / 5)));
    let every, decades, labels;
    for (let i = 0; i < 60; i++) {
      every = scaled(...step);
      decades = [];
      for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) if (mod(e, every) === 0) decades.push(e);
      labels = decades.map(decadeLabel);
      if (decades.length <= 1 || this.fits(decades, labels)) break;
      step = nextStep(step);
    }
    let minor = [];
    if (every === 1) {
      if (perDecade * (Math.log10(10) - Math.log10(9)) >= 2) {
        for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
          for (let j = 2; j < 10; j++) minor.push(e + Math.log10(j));
        }
      }
    } else {
      for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) if (mod(e, every) !== 0) minor.push(e);
    }
    minor = minor.filter((v) => lo <= v && v <= hi);
    return { positions: decades, labels, minor };
  }

  time() {
    const raw = this.rawStep();
    for (const [unit, step] of timeSteps(raw)) {
      const found = this.timeTicks(unit, step);
      if (found === null) return empty();
      const [positions, labels] = found;
      if (positions.length <= 1 || this.fits(positions, labels)) return { positions, labels, minor: [] };
    }
    return empty();
  }

  timeTicks(unit, step) {
    const { lo, hi } = this;
    if (unit === 'sub') {
      const [m, k] = step;
      const ns = this.multiples(lo, hi, m, k);
      if (ns === null) return null;
      const scale = pow10(-k);
      const labels = ns.map((n) => {
        const whole = Math.floor(n / scale);
        return `${clock(whole, true)}.${pad(n - whole * scale, -k)}`;
      });
      return [ns.map((n) => scaled(n, k)), labels];
    }
    if (unit === 'second' || unit === 'day') {
      const offset = step === 7 * DAY || step === 14 * DAY ? 4 * DAY : 0;
      const n0 = Math.ceil((lo - offset) / step), n1 = Math.floor((hi - offset) / step);
      if (n1 - n0 > 1000) return null;
      const values = [];
      for (let n = n0; n <= n1; n++) values.push(n * step + offset);
      let labels;
      if (step >= DAY) {
        labels = values.map((v) => dateLabel(floorDiv(v, DAY)));
      } else {
        const several = new Set(values.map((v) => floorDiv(v, DAY))).size > 1;
        labels = values.map((v) => (several ? `${dateLabel(floorDiv(v, DAY)).slice(5)} ` : '')
          + clock(v, step < 60));
      }
      return [values, labels];
    }
    const [y0, m0] = civil(Math.floor(lo / DAY));
    const [y1] = civil(Math.floor(hi / DAY));
    const months = unit === 'month' ? step : step * 12;
    const first = y0 * 12 + m0 - 1, last = y1 * 12 + 11;
    const start = first - mod(first, months) + (mod(first, months) ? months : 0);
    if (floorDiv(last - start, months) > 1000) return null;
    const values = [], labels = [];
    for (let index = start; index <= last; index += months) {
      const year = floorDiv(index, 12), month = mod(index, 12) + 1;
      const at = days(year, month, 1) * DAY;
      if (lo <= at && at <= hi) {
        values.push(at);
        labels.push(unit === 'month' ? `${pad(year, 4)}-${pad(month, 2)}` : `${year}`);
      }
    }
    return [values, labels];
  }
}

const empty = () => ({ positions: [], labels: [], minor: [] });

/**
 * The ticks of an axis showing axis coordinates lo..hi over `length` pixels.
 * @param {number} lo @param {number} hi @param {number} length
 * @param {{scale?: string, fontSize?: number, charWidth?: number, vertical?: boolean,
 *          minSpacing?: number}} options
 * @returns {{positions: number[], labels: string[], minor: number[]}}
 */
export function ticks(lo, hi, length, options = {}) {
  const { scale = 'linear', fontSize = 12, charWidth = null, vertical = false, minSpacing = null } = options;
  if (!SCALES.includes(scale)) throw new Error(`ticks: scale must be one of ${SCALES.join(', ')}, not ${scale}`);
  for (const [name, value] of [['lo', lo], ['hi', hi], ['length', length]]) {
    if (!Number.isFinite(value)) throw new Error(`ticks: ${name} must be a finite number, not ${value}`);
  }
  [lo, hi] = [Math.min(lo, hi), Math.max(lo, hi)];
  if (hi === lo || length <= 0) return empty();
  const rule = new Rule(lo, hi, length, fontSize, vertical, charWidth, minSpacing);
  return scale === 'linear' ? rule.linear() : scale === 'log' ? rule.log() : rule.time();
}
