/**
 * Number, date and duration formatting shared by both webviews. Pure
 * functions without DOM or locale state, so unit tests in Node cover them
 * and both panels print the same figure the same way.
 */

const MINUS = '\u2212';

/** `x` to `digits` significant digits, without exponent notation or trailing zeros. */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const rounded = Number(x.toPrecision(digits));
  const abs = Math.abs(rounded);
  // toPrecision switches to exponents for large and tiny numbers; Number()
  // undoes that, and toLocaleString-style grouping keeps thousands readable.
  const text = abs >= 1e4 ? groupThousands(Math.round(abs)) : trimZeros(abs.toFixed(Math.max(0, digits - 1 - Math.floor(Math.log10(abs)))));
  return rounded < 0 ? MINUS + text : text;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Energy with a unit that keeps 1–3 digits before the point: a short test run
 * uses milliwatt-hours, a long training run kilowatt-hours.
 */
export function formatEnergy(kWh: number): string {
  const abs = Math.abs(kWh);
  if (abs === 0) return '0 Wh';
  if (abs >= 1000) return `${significant(kWh / 1000)} MWh`;
  if (abs >= 1) return `${significant(kWh)} kWh`;
  if (abs >= 1e-3) return `${significant(kWh * 1e3)} Wh`;
  return `${significant(kWh * 1e6)} mWh`;
}

/** Mass of CO2e, from tonnes down to milligrams. */
export function formatMass(kg: number): string {
  const abs = Math.abs(kg);
  if (abs === 0) return '0 g';
  if (abs >= 1000) return `${significant(kg / 1000)} t`;
  if (abs >= 1) return `${significant(kg)} kg`;
  if (abs >= 1e-3) return `${significant(kg * 1e3)} g`;
  return `${significant(kg * 1e6)} mg`;
}

/** One unit for a whole chart axis, chosen from its largest value, so ticks do not switch units. */
export function massAxisUnit(maxKg: number): { unit: string; factor: number } {
  const abs = Math.abs(maxKg);
  if (abs >= 1000) return { unit: 't', factor: 1e-3 };
  if (abs >= 1) return { unit: 'kg', factor: 1 };
  if (abs >= 1e-3 || abs === 0) return { unit: 'g', factor: 1e3 };
  return { unit: 'mg', factor: 1e6 };
}

/** Power from milliwatts (a light process's share of a CPU) to kilowatts. */
export function formatPower(watts: number): string {
  const abs = Math.abs(watts);
  if (abs >= 1000) return `${significant(watts / 1000)} kW`;
  // Below 0.9995 W, where three significant digits of milliwatts stay under 1000.
  if (abs > 0 && abs < 0.9995) return `${significant(watts * 1000)} mW`;
  return `${significant(watts)} W`;
}

/** A ratio as a percentage: 0.123 → "12.3%", with an explicit sign when `signed`. */
export function formatPercent(ratio: number, signed = false): string {
  if (!Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  const abs = Math.abs(pct);
  const digits = abs >= 10 || Number.isInteger(abs) ? 0 : 1;
  const text = trimZeros(abs.toFixed(digits));
  if (text === '0') return '0%';
  const sign = pct < 0 ? MINUS : signed ? '+' : '';
  return `${sign}${text}%`;
}

/** Seconds as "42 s", "3 min 05 s", "2 h 07 min" or "3 d 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${significant(seconds, 2)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Elapsed seconds on a timeline axis: "0:42", "12:05", "1:02:03". */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export type Direction = 'up' | 'down' | 'flat' | 'new';

/** Direction and relative change of `current` against `previous`; changes under 1% read as flat. */
export function compare(current: number, previous: number): { direction: Direction; ratio?: number } {
  if (!(previous > 0)) return current > 0 ? { direction: 'new' } : { direction: 'flat' };
  const ratio = (current - previous) / previous;
  if (Math.abs(ratio) < 0.01) return { direction: 'flat', ratio };
  return { direction: ratio > 0 ? 'up' : 'down', ratio };
}

export function arrow(direction: Direction): string {
  switch (direction) {
    case 'up':
      return '\u2191';
    case 'down':
      return '\u2193';
    case 'flat':
      return '\u2192';
    default:
      return '\u2022';
  }
}

/** Words for a screen reader and a tooltip: "up 12%", "down 3.5%", "unchanged", "first run". */
export function describeChange(direction: Direction, ratio?: number): string {
  switch (direction) {
    case 'up':
      return `up ${formatPercent(Math.abs(ratio ?? 0))}`;
    case 'down':
      return `down ${formatPercent(Math.abs(ratio ?? 0))}`;
    case 'flat':
      return 'unchanged';
    default:
      return 'first run';
  }
}

/** How full a budget is: `ratio` may exceed 1; `fill` is clamped for drawing. */
export function budgetUse(valueKWh: number, budgetKWh: number): { ratio: number; fill: number; over: boolean } {
  const ratio = budgetKWh > 0 ? valueKWh / budgetKWh : 0;
  return { ratio, fill: Math.min(1, Math.max(0, ratio)), over: ratio > 1 };
}

/** A command line for display: arguments with spaces or quotes are single-quoted. */
export function commandLine(argv: string[]): string {
  return argv.map((a) => (a === '' || /[\s'"\\$`]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}

export function shortCommit(sha: string): string {
  return /^[0-9a-f]{8,}$/i.test(sha) ? sha.slice(0, 8) : sha;
}

/** A count with thousands separators: 10000 → "10,000". */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? groupThousands(n) : significant(n);
}

/** Epoch milliseconds as "2025-03-04", in local time. */
export function formatDate(value: number): string {
  return formatDateTime(value).slice(0, 10);
}

/** Epoch milliseconds (or ISO text) as "2025-03-04 14:05", in local time. */
export function formatDateTime(value: number | string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A tick label for a time axis spanning `spanMs`: hours for a day or less,
 * day and month for up to a year, month and year beyond.
 */
export function formatDateTick(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (spanMs <= 2 * 86400e3) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (spanMs <= 370 * 86400e3) return `${d.getDate()} ${MONTHS[d.getMonth()]}`;
  return `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

const MINUTE = 60e3;
const HOUR = 3600e3;
const DAY = 86400e3;

/**
 * Tick positions for a time axis drawn on a linear scale: whole minutes,
 * hours, days or months in local time, at most `maxTicks` of them. Chart.js's
 * own time scale would need a date adapter library; this is all it would do here.
 */
export function timeTicks(min: number, max: number, maxTicks = 5): number[] {
  if (!(max > min)) return Number.isFinite(min) ? [min] : [];
  const span = max - min;
  // Each candidate is tried only when its rough count fits, then kept only
  // when the real count does (a span can hold one tick more than span / step).
  const fits = (step: number) => span / step <= maxTicks + 1;
  const ok = (ticks: number[]) => ticks.length > 0 && ticks.length <= maxTicks;
  // Sub-day steps only while labels show clock times (see formatDateTick).
  if (span <= 2 * DAY) {
    for (const step of [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR]) {
      if (!fits(step)) continue;
      // Align on multiples of the step from local midnight, so ticks read 09:00, 12:00.
      const midnight = new Date(min);
      midnight.setHours(0, 0, 0, 0);
      const ticks: number[] = [];
      for (let t = +midnight + Math.ceil((min - +midnight) / step) * step; t <= max; t += step) ticks.push(t);
      if (ok(ticks)) return ticks;
    }
  }
  for (const days of [1, 2, 7, 14]) {
    if (!fits(days * DAY)) continue;
    const d = new Date(min);
    d.setHours(0, 0, 0, 0);
    if (+d < min) d.setDate(d.getDate() + 1);
    const ticks: number[] = [];
    // setDate keeps local midnight across daylight-saving changes; adding 24 h would not.
    for (; +d <= max; d.setDate(d.getDate() + days)) ticks.push(+d);
    if (ok(ticks)) return ticks;
  }
  for (const months of [1, 2, 3, 6, 12, 24, 60, 120, 600]) {
    if (!fits(months * 28 * DAY)) continue;
    const d = new Date(min);
    d.setHours(0, 0, 0, 0);
    d.setDate(1);
    if (+d < min) d.setMonth(d.getMonth() + 1);
    while (d.getMonth() % Math.min(months, 12) !== 0) d.setMonth(d.getMonth() + 1);
    if (months > 12) while (d.getFullYear() % (months / 12) !== 0) d.setFullYear(d.getFullYear() + 1);
    const ticks: number[] = [];
    for (; +d <= max; d.setMonth(d.getMonth() + months)) ticks.push(+d);
    if (ok(ticks)) return ticks;
  }
  // Nothing round falls inside (runs a few seconds apart): label both ends.
  return maxTicks >= 2 ? [min, max] : [min];
}

const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Ticks for an elapsed-time axis at round clock steps (10 s, 5 min, 1 h …), at most `maxTicks`. */
export function clockTicks(min: number, max: number, maxTicks = 8): number[] {
  if (!(max > min)) return [Math.max(0, min)];
  const span = max - min;
  const step = CLOCK_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}
