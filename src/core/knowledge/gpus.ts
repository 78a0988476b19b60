/**
 * Accelerators an estimate can run on: board power and dense peak
 * throughput per precision. Rows are taken from ML CO2 Impact's gpus.csv
 * (mlco2/impact, MIT, commit d0d3ee5a; its `source` column is kept per row)
 * and the vendors' datasheets named there. Datasheet figures "with
 * sparsity" are halved to the dense figure training uses; a precision a
 * board has no faster path for repeats its fp32 figure. Boards with tensor
 * cores take their tensor-core fp16 figure (the path mixed precision uses),
 * not the plain half-precision rate some spec sites list.
 */

export interface GpuSpec {
  /** Name as the table spells it. */
  name: string;
  /** Board power (TDP), W. */
  tdpW: number;
  /** Dense peak, TFLOPS. */
  fp32Tflops: number;
  /** TF32 tensor-core peak (Ampere and later), used for fp32 training where PyTorch enables it. */
  tf32Tflops?: number;
  /** fp16/bf16 tensor-core (or packed half) peak. */
  fp16Tflops: number;
  memoryGb: number;
  source: string;
}

const A100_SHEET = 'NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4)';
const H100_SHEET = 'NVIDIA H100 Tensor Core GPU datasheet (dense = sparsity figures ÷ 2)';

export const GPUS: readonly GpuSpec[] = [
  { name: 'H100 SXM', tdpW: 700, fp32Tflops: 67, tf32Tflops: 494.5, fp16Tflops: 989.5, memoryGb: 80, source: H100_SHEET },
  { name: 'H100 NVL', tdpW: 400, fp32Tflops: 60, tf32Tflops: 417.5, fp16Tflops: 835.5, memoryGb: 94, source: H100_SHEET },
  { name: 'A100 SXM4 80 GB', tdpW: 400, fp32Tflops: 19.5, tf32Tflops: 156, fp16Tflops: 312, memoryGb: 80, source: A100_SHEET },
  { name: 'A100 PCIe 40/80GB', tdpW: 250, fp32Tflops: 19.5, tf32Tflops: 156, fp16Tflops: 312, memoryGb: 40, source: A100_SHEET },
  { name: 'L40S', tdpW: 350, fp32Tflops: 91.6, tf32Tflops: 183, fp16Tflops: 362, memoryGb: 48, source: 'NVIDIA L40S datasheet (dense figures)' },
  { name: 'L4', tdpW: 72, fp32Tflops: 30.3, tf32Tflops: 60, fp16Tflops: 121, memoryGb: 24, source: 'NVIDIA L4 product brief PB-11316-001 (dense figures)' },
  { name: 'A10G', tdpW: 150, fp32Tflops: 31.52, fp16Tflops: 31.52, memoryGb: 24, source: 'https://www.techpowerup.com/gpu-specs/a10g.c3798' },
  { name: 'T4', tdpW: 70, fp32Tflops: 8.141, fp16Tflops: 65.13, memoryGb: 16, source: 'NVIDIA T4 tensor core datasheet' },
  { name: 'Tesla V100-SXM2-16GB', tdpW: 250, fp32Tflops: 16.35, fp16Tflops: 125, memoryGb: 16, source: 'NVIDIA V100 Tensor Core GPU datasheet: 125 (SXM2) / 112 (PCIe) tensor TFLOPS for fp16; fp32 from https://www.techpowerup.com/gpu-specs/tesla-v100-sxm2-16-gb.c3471' },
  { name: 'Tesla V100-SXM2-32GB', tdpW: 300, fp32Tflops: 15, fp16Tflops: 125, memoryGb: 32, source: 'NVIDIA V100 Tensor Core GPU datasheet: 125 (SXM2) / 112 (PCIe) tensor TFLOPS for fp16; fp32 from https://www.techpowerup.com/gpu-specs/tesla-v100-sxm2-32-gb.c3185' },
  { name: 'Tesla V100-PCIE-16GB', tdpW: 300, fp32Tflops: 14.13, fp16Tflops: 112, memoryGb: 16, source: 'NVIDIA V100 Tensor Core GPU datasheet: 125 (SXM2) / 112 (PCIe) tensor TFLOPS for fp16; fp32 from https://www.techpowerup.com/gpu-specs/tesla-v100-pcie-16-gb.c2957' },
  { name: 'Tesla P100', tdpW: 250, fp32Tflops: 9.526, fp16Tflops: 19.05, memoryGb: 16, source: 'techpowerup.com (via ML CO2 Impact gpus.csv)' },
  { name: 'RTX 4090', tdpW: 450, fp32Tflops: 82.6, fp16Tflops: 82.6, memoryGb: 24, source: 'ML CO2 Impact gpus.csv (NVIDIA Ada datasheet)' },
  { name: 'RTX 3090', tdpW: 350, fp32Tflops: 35.58, fp16Tflops: 35.58, memoryGb: 24, source: 'https://www.techpowerup.com/gpu-specs/geforce-rtx-3090.c3622' },
  { name: 'RTX 3080', tdpW: 320, fp32Tflops: 29.77, fp16Tflops: 29.77, memoryGb: 10, source: 'https://www.techpowerup.com/gpu-specs/geforce-rtx-3080.c3621' },
  { name: 'RTX A6000', tdpW: 300, fp32Tflops: 38.71, fp16Tflops: 38.71, memoryGb: 48, source: 'https://www.techpowerup.com/gpu-specs/rtx-a6000.c3686' },
  { name: 'RTX A5000', tdpW: 230, fp32Tflops: 27.8, fp16Tflops: 27.8, memoryGb: 24, source: 'NVIDIA RTX A5000 datasheet' },
  { name: 'RTX 2080 Ti', tdpW: 250, fp32Tflops: 13.45, fp16Tflops: 26.9, memoryGb: 11, source: 'techpowerup.com (via ML CO2 Impact gpus.csv)' },
  { name: 'Titan RTX', tdpW: 280, fp32Tflops: 16.31, fp16Tflops: 32.63, memoryGb: 24, source: 'https://www.techpowerup.com/gpu-specs/titan-rtx.c3311' },
];

function tokens(name: string): string[] {
  return name.toLowerCase().replace(/nvidia|geforce|tesla/g, ' ').split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * The table entry a name means: an exact name first, else the entry sharing
 * the most name tokens with it (`A100` → the first A100 row, the SXM4 80 GB;
 * `NVIDIA A100-SXM4-40GB` as nvidia-smi prints it → the SXM4 row). Undefined
 * when no token matches.
 */
export function lookupGpu(name: string): { gpu: GpuSpec; exact: boolean } | undefined {
  const wanted = name.trim().toLowerCase();
  const exact = GPUS.find((g) => g.name.toLowerCase() === wanted);
  if (exact) return { gpu: exact, exact: true };
  const asked = tokens(name);
  let best: GpuSpec | undefined;
  let bestScore = 0;
  for (const g of GPUS) {
    const own = tokens(g.name);
    // The model token (a100, v100, 4090) must match; the rest break ties.
    if (!own.some((t) => /\d/.test(t) && asked.includes(t))) continue;
    const score = own.filter((t) => asked.includes(t)).length;
    if (score > bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return best ? { gpu: best, exact: false } : undefined;
}
