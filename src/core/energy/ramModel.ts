/**
 * The estimated RAM power model, for machines without a RAPL dram counter:
 * a constant 0.375 W per GB of installed memory, the "3 W per 8 GB" figure
 * CodeCarbon used before version 3 (Green Algorithms uses a very close
 * 0.3725 W/GB). CodeCarbon 3 counts about 5 W per DIMM instead, but the DIMM
 * count needs root (dmidecode), so the per-GB model is the one that works
 * for every user. Memory draws its refresh power whether used or not, so
 * the machine figure uses the installed total; the run's share is the same
 * rate applied to the resident memory of its processes.
 */

/** Watts per GB (2^30 bytes) of memory. */
export const RAM_WATTS_PER_GB = 0.375;

export const RAM_MODEL_SOURCE = `RAM model: ${RAM_WATTS_PER_GB} W per GB of installed memory (CodeCarbon's per-GB model before v3)`;

export const RAM_PROCESS_ATTRIBUTION = `${RAM_WATTS_PER_GB} W per GB applied to the resident memory of the run's process tree`;

export const BYTES_PER_GB = 1024 ** 3;

/** Estimated power (W) of `bytes` of memory. */
export function ramPowerW(bytes: number): number {
  return (bytes / BYTES_PER_GB) * RAM_WATTS_PER_GB;
}
