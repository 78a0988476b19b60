/**
 * Training-set sizes of public datasets, by the names code loads them with
 * (torchvision classes, Keras `datasets` modules, Hugging Face
 * `load_dataset` ids). Sizes are the train splits as the loaders' own
 * documentation or dataset cards give them.
 */

export interface DatasetSpec {
  /** Display name. */
  name: string;
  /** Names code uses: torchvision class, keras module, HF id (lower case compared). */
  names: string[];
  trainSamples: number;
  /** Image side in pixels, for image sets. */
  imagePx?: number;
  source: string;
}

const GLUE_SOURCE = 'Hugging Face dataset card nyu-mll/glue (train split sizes)';

export const DATASETS: readonly DatasetSpec[] = [
  { name: 'ImageNet-1k', names: ['ImageNet', 'imagenet-1k', 'ILSVRC/imagenet-1k'], trainSamples: 1_281_167, imagePx: 224, source: 'Russakovsky et al. 2015, ILSVRC-2012 train split; HF card ILSVRC/imagenet-1k' },
  { name: 'CIFAR-10', names: ['CIFAR10', 'cifar10'], trainSamples: 50_000, imagePx: 32, source: 'Krizhevsky 2009, CIFAR-10 (cs.toronto.edu/~kriz/cifar.html)' },
  { name: 'CIFAR-100', names: ['CIFAR100', 'cifar100'], trainSamples: 50_000, imagePx: 32, source: 'Krizhevsky 2009, CIFAR-100 (cs.toronto.edu/~kriz/cifar.html)' },
  { name: 'MNIST', names: ['MNIST', 'mnist'], trainSamples: 60_000, imagePx: 28, source: 'LeCun et al., yann.lecun.com/exdb/mnist' },
  { name: 'Fashion-MNIST', names: ['FashionMNIST', 'fashion_mnist', 'zalando-datasets/fashion_mnist'], trainSamples: 60_000, imagePx: 28, source: 'Xiao et al. 2017, arXiv:1708.07747' },
  { name: 'GLUE SST-2', names: ['sst2', 'glue/sst2'], trainSamples: 67_349, source: GLUE_SOURCE },
  { name: 'GLUE MRPC', names: ['mrpc', 'glue/mrpc'], trainSamples: 3_668, source: GLUE_SOURCE },
  { name: 'GLUE CoLA', names: ['cola', 'glue/cola'], trainSamples: 8_551, source: GLUE_SOURCE },
  { name: 'GLUE QNLI', names: ['qnli', 'glue/qnli'], trainSamples: 104_743, source: GLUE_SOURCE },
  { name: 'GLUE QQP', names: ['qqp', 'glue/qqp'], trainSamples: 363_846, source: GLUE_SOURCE },
  { name: 'GLUE MNLI', names: ['mnli', 'glue/mnli'], trainSamples: 392_702, source: GLUE_SOURCE },
  { name: 'GLUE RTE', names: ['rte', 'glue/rte'], trainSamples: 2_490, source: GLUE_SOURCE },
  { name: 'GLUE STS-B', names: ['stsb', 'glue/stsb'], trainSamples: 5_749, source: GLUE_SOURCE },
  { name: 'IMDB', names: ['imdb', 'stanfordnlp/imdb'], trainSamples: 25_000, source: 'Maas et al. 2011; HF card stanfordnlp/imdb' },
];

const index = new Map<string, DatasetSpec>();
for (const d of DATASETS) for (const n of d.names) index.set(n.toLowerCase(), d);

/** The dataset a loader name or id means (`CIFAR10`, `glue/sst2`), if known. */
export function lookupDataset(name: string): DatasetSpec | undefined {
  return index.get(name.toLowerCase());
}
