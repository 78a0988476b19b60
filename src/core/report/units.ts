/** Formatting of energy, mass and time for people: readable magnitudes, fixed significant figures. */

/** Energy given in kWh, shown in the unit that keeps it readable (mWh, Wh, kWh, MWh). */
export function formatEnergy(kWh: number): string {
  const wh = kWh * 1000;
  const abs = Math.abs(wh);
  if (abs === 0) return '0 Wh';
  if (abs < 1) return `${sig(wh * 1000)} mWh`;
  if (abs < 1000) return `${sig(wh)} Wh`;
  if (abs < 1e6) return `${sig(kWh)} kWh`;
  return `${sig(kWh / 1000)} MWh`;
}

/** A mass of CO2e given in kg, shown in mg, g, kg or t. */
export function formatCo2(kg: number): string {
  const abs = Math.abs(kg);
  if (abs === 0) return '0 g CO2e';
  if (abs < 0.001) return `${sig(kg * 1e6)} mg CO2e`;
  if (abs < 1) return `${sig(kg * 1000)} g CO2e`;
  if (abs < 1000) return `${sig(kg)} kg CO2e`;
  return `${sig(kg / 1000)} t CO2e`;
}

export function formatWatts(w: number): string {
  return `${sig(w)} W`;
}

export function formatDuration(s: number): string {
  if (s < 60) return `${sig(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Three significant figures, without exponent notation or trailing zeros. */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  // Number#toString switches to exponents below 1e-6 ("4.52e-7"); toFixed never does, so its zeros are trimmed instead.
  const fixed = x.toFixed(Math.min(decimals, 100));
  const text = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return text === '-0' ? '0' : text;
}
