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
  },
  {
    id: 'petrol-litres',
    label: 'litres of gasoline (petrol) burned',
    gramsPerUnit: petrolGramsPerLitre,
    factor: `8,887 g CO2/gallon ÷ 3.785 litres/gallon = ${sig(petrolGramsPerLitre, 4)} g CO2/litre`,
    source: EPA_VEHICLE_SOURCE,
  },
  {
    id: 'phone-charges',
    label: 'smartphone charges',
    gramsPerUnit: phoneGramsPerCharge,
    factor: `${sig(phoneGramsPerCharge)} g CO2 per full charge on the average US grid`,
    source: EPA_PHONE_SOURCE,
  },
];

/** The everyday equivalents of `kgCO2e`, one per factor, with the factor and its source. */
export function equivalentsOf(kgCO2e: number): Equivalent[] {
  if (!Number.isFinite(kgCO2e) || kgCO2e < 0) return [];
  return EQUIVALENCE_FACTORS.map((f) => ({
    label: f.label,
    value: (kgCO2e * 1000) / f.gramsPerUnit,
    factor: f.factor,
    source: f.source,
  }));
}

/** "1.2 km driven by …": the value with three significant figures and its label. */
export function formatEquivalent(e: Equivalent): string {
  return `${sig(e.value)} ${e.label}`;
}
