/**
 * Everyday equivalents of a CO2e mass, for the run report: "as much CO2 as
 * driving N km". Each factor carries the published figures it is computed
 * from and where they come from, so the report can show its working; the
 * sources are also listed in NOTICE.
 *
 * The figures are United States averages (the U.S. EPA publishes the most
 * widely cited, documented set). They illustrate a magnitude; they are not a
 * second carbon estimate of the run.
 */
import type { Equivalent } from '../../shared/protocol';
import { sig } from '../report/units';

/** EPA fact sheet EPA-420-F-23-014 (June 2023), "Tailpipe Greenhouse Gas Emissions from a Typical Passenger Vehicle". */
const EPA_VEHICLE_SOURCE =
  'U.S. EPA, "Tailpipe Greenhouse Gas Emissions from a Typical Passenger Vehicle" (EPA-420-F-23-014, June 2023): 8,887 g CO2 per gallon of gasoline; average fuel economy 22.0 miles per gallon';
/** The per-charge figure of the EPA calculator edition that used the AVERT U.S. marginal rate of 1,562.4 lb CO2/MWh. */
const EPA_PHONE_SOURCE =
  'U.S. EPA, Greenhouse Gas Equivalencies Calculator — Calculations and References, "Number of smartphones charged": 0.012 kWh per charge × 1,562.4 lb CO2/MWh = 8.22 × 10⁻⁶ metric tons CO2 per smartphone charged (later editions use a newer grid rate)';

/** Grams of CO2 from burning one US gallon of gasoline (EPA). */
export const GASOLINE_G_CO2_PER_GALLON = 8887;
/** Average on-road fuel economy of a US passenger vehicle, miles per gallon (EPA). */
export const AVERAGE_VEHICLE_MPG = 22.0;
const KM_PER_MILE = 1.609344;
const LITRES_PER_US_GALLON = 3.785411784;

export interface EquivalenceFactor {
  id: 'car-km' | 'petrol-litres' | 'phone-charges';
  /** What one unit is, e.g. "km driven by an average passenger car". */
  label: string;
  /** Grams of CO2(e) per unit. */
  gramsPerUnit: number;
  /** The arithmetic behind `gramsPerUnit`, in words. */
  factor: string;
  source: string;
  /**
   * Smaller units a small mass is told in, largest first: metres rather than
   * "0.0009 km", a percentage of one charge rather than "0.03 charges".
   */
  smaller: readonly SmallerUnit[];
}

export interface SmallerUnit {
  label: string;
  /** How many of this unit make one of the factor's unit. */
  perUnit: number;
  /** The conversion in words, added to the factor's arithmetic. */
  conversion: string;
}

const carGramsPerMile = GASOLINE_G_CO2_PER_GALLON / AVERAGE_VEHICLE_MPG;
const carGramsPerKm = carGramsPerMile / KM_PER_MILE;
const petrolGramsPerLitre = GASOLINE_G_CO2_PER_GALLON / LITRES_PER_US_GALLON;
const phoneGramsPerCharge = 8.22e-6 * 1e6;

export const EQUIVALENCE_FACTORS: readonly EquivalenceFactor[] = [
  {
    id: 'car-km',
    label: 'km driven by an average US passenger car (gasoline)',
    gramsPerUnit: carGramsPerKm,
    factor: `8,887 g CO2/gallon ÷ 22.0 miles/gallon = ${sig(carGramsPerMile)} g CO2/mile ÷ 1.609 km/mile = ${sig(carGramsPerKm)} g CO2/km (tailpipe CO2)`,
    source: EPA_VEHICLE_SOURCE,
    smaller: [{ label: 'm driven by an average US passenger car (gasoline)', perUnit: 1000, conversion: '1 km = 1,000 m' }],
  },
  {
    id: 'petrol-litres',
    label: 'litres of gasoline (petrol) burned',
    gramsPerUnit: petrolGramsPerLitre,
    factor: `8,887 g CO2/gallon ÷ 3.785 litres/gallon = ${sig(petrolGramsPerLitre, 4)} g CO2/litre`,
    source: EPA_VEHICLE_SOURCE,
    smaller: [{ label: 'millilitres of gasoline (petrol) burned', perUnit: 1000, conversion: '1 litre = 1,000 millilitres' }],
  },
  {
    id: 'phone-charges',
    label: 'smartphone charges',
    gramsPerUnit: phoneGramsPerCharge,
    factor: `${sig(phoneGramsPerCharge)} g CO2 per full charge on the average US grid`,
    source: EPA_PHONE_SOURCE,
    smaller: [{ label: 'percent of one smartphone charge', perUnit: 100, conversion: 'one charge = 100 percent' }],
  },
];

/**
 * The smallest figure an equivalent is shown with: "3 m driven" or "2% of a
 * phone charge" reads; "0.0034 m driven" says only that the comparison does
 * not fit, so such an equivalent is left out rather than shown.
 */
export const READABLE_MIN = 1;

/**
 * The everyday equivalents of `kgCO2e` that read sensibly, each in the unit
 * that keeps its figure at 1 or more (km or m, litres or millilitres, charges
 * or percent of one), with the factor and its source. A mass too small for
 * any of them (a second-long test run) has none.
 */
export function equivalentsOf(kgCO2e: number): Equivalent[] {
  if (!Number.isFinite(kgCO2e) || kgCO2e <= 0) return [];
  const out: Equivalent[] = [];
  for (const f of EQUIVALENCE_FACTORS) {
    const units = (kgCO2e * 1000) / f.gramsPerUnit;
    const unit = [{ label: f.label, perUnit: 1, conversion: '' }, ...f.smaller].find((u) => units * u.perUnit >= READABLE_MIN);
    if (!unit) continue;
    // The conversion follows the factor, so the arithmetic on the page leads to the figure shown.
    out.push({ label: unit.label, value: units * unit.perUnit, factor: unit.conversion ? `${f.factor}; ${unit.conversion}` : f.factor, source: f.source });
  }
  return out;
}

/** "1.2 km driven by …": the value with three significant figures and its label. */
export function formatEquivalent(e: Equivalent): string {
  return `${sig(e.value)} ${e.label}`;
}
