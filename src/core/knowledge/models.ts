/**
 * The model zoo GreenLens reasons about: image classifiers from torchvision,
 * timm and Keras Applications, and Hugging Face language checkpoints.
 *
 * Every figure is copied from a named public source (the `source` of its
 * entry or score); a figure we could not find there is left out rather than
 * estimated. "Heavy" follows docs RULES.md (GL101, GL102): models whose
 * lighter sibling gives most of the accuracy for a fraction of the compute.
 * Read the table through ./modelReader, not directly.
 */

/** ImageNet-1K figures of one torchvision weights tag. */
export interface WeightsFigures {
  /** The enum member, e.g. `IMAGENET1K_V2`. */
  tag: string;
  /** Top-1 accuracy (%). */
  top1: number;
  /** Giga floating-point operations per image at `inputPx` (torchvision's "GFLOPS" column). */
  gflops: number;
  /** Parameters in millions. */
  paramsM: number;
  /** Evaluation crop size in pixels. */
  inputPx: number;
}

export type VisionLibrary = 'torchvision' | 'timm' | 'keras';

export interface VisionModel {
  library: VisionLibrary;
  /** The constructor or registry name exactly as code writes it: `resnet152`, `VGG16`. */
  name: string;
  /** Architecture family; siblings of one family share attribute names (`fc`, `classifier`). */
  family: string;
  /** Width of the features the classifier head reads; equal widths make a rename a drop-in change. */
  headWidth?: number;
  /** Submodules that also export the constructor (`torchvision.models.resnet`, `keras.applications.resnet`). */
  modules?: string[];
  /** torchvision weights enum class, e.g. `ResNet152_Weights`. */
  weightsEnum?: string;
  /** torchvision: figures per weights tag; the first is the 224 px reference where one exists. */
  weights?: WeightsFigures[];
  /** Keras Applications / direct figures. */
  paramsM?: number;
  top1?: number;
  /** Keras Applications: time per inference step (ms, batch 32) on CPU and GPU. */
  cpuMs?: number;
  gpuMs?: number;
  /** timm: the torchvision model with the same architecture, whose figures apply. */
  sameAs?: string;
  /** Flagged by GL101. */
  heavy?: boolean;
  /** Lighter siblings to suggest, best first, named in the same library. */
  siblings?: string[];
  /** Where the figures come from. */
  source: string;
}

export interface Score {
  /** Benchmark and split, e.g. "GLUE test average". Scores compare only within one benchmark. */
  benchmark: string;
  value: number;
  source: string;
}

export interface LanguageModel {
  /** Canonical Hugging Face id, e.g. `bert-large-uncased`. */
  id: string;
  /** Other ids that name the same weights (namespaced forms first). */
  aliases: string[];
  paramsM: number;
  /** Source of `paramsM`. */
  source: string;
  scores?: Score[];
  /** A sourced one-line claim shown when this model is suggested. */
  claim?: string;
  heavy?: boolean;
  /** Heavy entries: the name stem that derived checkpoints start with (`bert-large` for `bert-large-nli-mean-tokens`). */
  stem?: string;
  siblings?: string[];
}

const TV = 'torchvision docs, "Table of all available classification weights" (ImageNet-1K)';
const KERAS = 'Keras Applications table (keras.io/api/applications)';
const BERT_PAPER = 'BERT paper (Devlin et al. 2019), Section 3 and Table 1';
const DISTIL_README = 'Hugging Face Distil* README, transformers examples/research_projects/distillation';
const DISTIL_PAPER = 'DistilBERT paper, Sanh et al. 2019';
const FAIRSEQ_ROBERTA = 'fairseq RoBERTa README, pre-trained models table';
const FAIRSEQ_XLMR = 'fairseq XLM-R README, pre-trained models table';
const GPT2_CARDS = 'Hugging Face model cards (openai-community/gpt2, gpt2-medium, gpt2-large, gpt2-xl)';
const T5_CARDS = 'Hugging Face model cards (google-t5/t5-small … t5-11b)';
const LLAMA2 = 'Llama 2 paper (Touvron et al. 2023), Table 3';

const w = (tag: string, top1: number, gflops: number, paramsM: number, inputPx = 224): WeightsFigures => ({
  tag,
  top1,
  gflops,
  paramsM,
  inputPx,
});

/** torchvision classification builders (`torchvision.models.<name>`). */
const TORCHVISION: VisionModel[] = [
  { name: 'resnet18', family: 'resnet-basic', headWidth: 512, modules: ['resnet'], weightsEnum: 'ResNet18_Weights', weights: [w('IMAGENET1K_V1', 69.758, 1.814, 11.7)] },
  { name: 'resnet34', family: 'resnet-basic', headWidth: 512, modules: ['resnet'], weightsEnum: 'ResNet34_Weights', weights: [w('IMAGENET1K_V1', 73.314, 3.664, 21.8)] },
  { name: 'resnet50', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNet50_Weights', weights: [w('IMAGENET1K_V1', 76.13, 4.089, 25.6), w('IMAGENET1K_V2', 80.858, 4.089, 25.6)] },
  { name: 'resnet101', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNet101_Weights', weights: [w('IMAGENET1K_V1', 77.374, 7.801, 44.5), w('IMAGENET1K_V2', 81.886, 7.801, 44.5)], heavy: true, siblings: ['resnet50'] },
  { name: 'resnet152', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNet152_Weights', weights: [w('IMAGENET1K_V1', 78.312, 11.514, 60.2), w('IMAGENET1K_V2', 82.284, 11.514, 60.2)], heavy: true, siblings: ['resnet50'] },
  { name: 'wide_resnet50_2', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'Wide_ResNet50_2_Weights', weights: [w('IMAGENET1K_V1', 78.468, 11.398, 68.9), w('IMAGENET1K_V2', 81.602, 11.398, 68.9)] },
  { name: 'wide_resnet101_2', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'Wide_ResNet101_2_Weights', weights: [w('IMAGENET1K_V1', 78.848, 22.753, 126.9), w('IMAGENET1K_V2', 82.51, 22.753, 126.9)], heavy: true, siblings: ['wide_resnet50_2', 'resnet50'] },
  { name: 'resnext50_32x4d', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNeXt50_32X4D_Weights', weights: [w('IMAGENET1K_V1', 77.618, 4.23, 25.0), w('IMAGENET1K_V2', 81.198, 4.23, 25.0)] },
  { name: 'resnext101_32x8d', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNeXt101_32X8D_Weights', weights: [w('IMAGENET1K_V1', 79.312, 16.414, 88.8), w('IMAGENET1K_V2', 82.834, 16.414, 88.8)], heavy: true, siblings: ['resnext50_32x4d'] },
  { name: 'resnext101_64x4d', family: 'resnet', headWidth: 2048, modules: ['resnet'], weightsEnum: 'ResNeXt101_64X4D_Weights', weights: [w('IMAGENET1K_V1', 83.246, 15.46, 83.5)], heavy: true, siblings: ['resnext50_32x4d'] },
  { name: 'vgg11', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG11_Weights', weights: [w('IMAGENET1K_V1', 69.02, 7.609, 132.9)] },
  { name: 'vgg11_bn', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG11_BN_Weights', weights: [w('IMAGENET1K_V1', 70.37, 7.609, 132.9)] },
  { name: 'vgg13', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG13_Weights', weights: [w('IMAGENET1K_V1', 69.928, 11.308, 133.0)] },
  { name: 'vgg13_bn', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG13_BN_Weights', weights: [w('IMAGENET1K_V1', 71.586, 11.308, 133.1)] },
  { name: 'vgg16', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG16_Weights', weights: [w('IMAGENET1K_V1', 71.592, 15.47, 138.4)], heavy: true, siblings: ['resnet50', 'vgg11'] },
  { name: 'vgg16_bn', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG16_BN_Weights', weights: [w('IMAGENET1K_V1', 73.36, 15.47, 138.4)], heavy: true, siblings: ['resnet50', 'vgg11_bn'] },
  { name: 'vgg19', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG19_Weights', weights: [w('IMAGENET1K_V1', 72.376, 19.632, 143.7)], heavy: true, siblings: ['resnet50', 'vgg11'] },
  { name: 'vgg19_bn', family: 'vgg', headWidth: 25088, modules: ['vgg'], weightsEnum: 'VGG19_BN_Weights', weights: [w('IMAGENET1K_V1', 74.218, 19.632, 143.7)], heavy: true, siblings: ['resnet50', 'vgg11_bn'] },
  { name: 'vit_b_16', family: 'vit', headWidth: 768, modules: ['vision_transformer'], weightsEnum: 'ViT_B_16_Weights', weights: [w('IMAGENET1K_V1', 81.072, 17.564, 86.6), w('IMAGENET1K_SWAG_LINEAR_V1', 81.886, 17.564, 86.6), w('IMAGENET1K_SWAG_E2E_V1', 85.304, 55.484, 86.9, 384)] },
  { name: 'vit_b_32', family: 'vit', headWidth: 768, modules: ['vision_transformer'], weightsEnum: 'ViT_B_32_Weights', weights: [w('IMAGENET1K_V1', 75.912, 4.409, 88.2)] },
  { name: 'vit_l_16', family: 'vit', headWidth: 1024, modules: ['vision_transformer'], weightsEnum: 'ViT_L_16_Weights', weights: [w('IMAGENET1K_V1', 79.662, 61.555, 304.3), w('IMAGENET1K_SWAG_LINEAR_V1', 85.146, 61.555, 304.3), w('IMAGENET1K_SWAG_E2E_V1', 88.064, 361.986, 305.2, 512)], heavy: true, siblings: ['vit_b_16'] },
  { name: 'vit_l_32', family: 'vit', headWidth: 1024, modules: ['vision_transformer'], weightsEnum: 'ViT_L_32_Weights', weights: [w('IMAGENET1K_V1', 76.972, 15.378, 306.5)], heavy: true, siblings: ['vit_b_32'] },
  { name: 'vit_h_14', family: 'vit', headWidth: 1280, modules: ['vision_transformer'], weightsEnum: 'ViT_H_14_Weights', weights: [w('IMAGENET1K_SWAG_LINEAR_V1', 85.708, 167.295, 632.0), w('IMAGENET1K_SWAG_E2E_V1', 88.552, 1016.717, 633.5, 518)], heavy: true, siblings: ['vit_b_16'] },
  { name: 'efficientnet_b0', family: 'efficientnet', headWidth: 1280, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B0_Weights', weights: [w('IMAGENET1K_V1', 77.692, 0.386, 5.3)] },
  { name: 'efficientnet_b1', family: 'efficientnet', headWidth: 1280, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B1_Weights', weights: [w('IMAGENET1K_V1', 78.642, 0.687, 7.8, 240), w('IMAGENET1K_V2', 79.838, 0.687, 7.8, 240)] },
  { name: 'efficientnet_b2', family: 'efficientnet', headWidth: 1408, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B2_Weights', weights: [w('IMAGENET1K_V1', 80.608, 1.088, 9.1, 288)] },
  { name: 'efficientnet_b3', family: 'efficientnet', headWidth: 1536, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B3_Weights', weights: [w('IMAGENET1K_V1', 82.008, 1.827, 12.2, 300)] },
  { name: 'efficientnet_b4', family: 'efficientnet', headWidth: 1792, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B4_Weights', weights: [w('IMAGENET1K_V1', 83.384, 4.394, 19.3, 380)] },
  { name: 'efficientnet_b5', family: 'efficientnet', headWidth: 2048, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B5_Weights', weights: [w('IMAGENET1K_V1', 83.444, 10.266, 30.4, 456)], heavy: true, siblings: ['efficientnet_b4', 'efficientnet_b3'] },
  { name: 'efficientnet_b6', family: 'efficientnet', headWidth: 2304, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B6_Weights', weights: [w('IMAGENET1K_V1', 84.008, 19.068, 43.0, 528)], heavy: true, siblings: ['efficientnet_b4', 'efficientnet_b3'] },
  { name: 'efficientnet_b7', family: 'efficientnet', headWidth: 2560, modules: ['efficientnet'], weightsEnum: 'EfficientNet_B7_Weights', weights: [w('IMAGENET1K_V1', 84.122, 37.746, 66.3, 600)], heavy: true, siblings: ['efficientnet_b4', 'efficientnet_b3'] },
  { name: 'efficientnet_v2_s', family: 'efficientnet_v2', headWidth: 1280, modules: ['efficientnet'], weightsEnum: 'EfficientNet_V2_S_Weights', weights: [w('IMAGENET1K_V1', 84.228, 8.366, 21.5, 384)] },
  { name: 'efficientnet_v2_m', family: 'efficientnet_v2', headWidth: 1280, modules: ['efficientnet'], weightsEnum: 'EfficientNet_V2_M_Weights', weights: [w('IMAGENET1K_V1', 85.112, 24.582, 54.1, 480)] },
  { name: 'efficientnet_v2_l', family: 'efficientnet_v2', headWidth: 1280, modules: ['efficientnet'], weightsEnum: 'EfficientNet_V2_L_Weights', weights: [w('IMAGENET1K_V1', 85.808, 56.08, 118.5, 480)], heavy: true, siblings: ['efficientnet_v2_s'] },
  { name: 'convnext_tiny', family: 'convnext', headWidth: 768, modules: ['convnext'], weightsEnum: 'ConvNeXt_Tiny_Weights', weights: [w('IMAGENET1K_V1', 82.52, 4.456, 28.6)] },
  { name: 'convnext_small', family: 'convnext', headWidth: 768, modules: ['convnext'], weightsEnum: 'ConvNeXt_Small_Weights', weights: [w('IMAGENET1K_V1', 83.616, 8.684, 50.2)] },
  { name: 'convnext_base', family: 'convnext', headWidth: 1024, modules: ['convnext'], weightsEnum: 'ConvNeXt_Base_Weights', weights: [w('IMAGENET1K_V1', 84.062, 15.355, 88.6)] },
  { name: 'convnext_large', family: 'convnext', headWidth: 1536, modules: ['convnext'], weightsEnum: 'ConvNeXt_Large_Weights', weights: [w('IMAGENET1K_V1', 84.414, 34.361, 197.8)], heavy: true, siblings: ['convnext_small', 'convnext_base'] },
  { name: 'regnet_y_3_2gf', family: 'regnet_y', headWidth: 1512, modules: ['regnet'], weightsEnum: 'RegNet_Y_3_2GF_Weights', weights: [w('IMAGENET1K_V1', 78.948, 3.176, 19.4), w('IMAGENET1K_V2', 81.982, 3.176, 19.4)] },
  { name: 'regnet_y_8gf', family: 'regnet_y', headWidth: 2016, modules: ['regnet'], weightsEnum: 'RegNet_Y_8GF_Weights', weights: [w('IMAGENET1K_V1', 80.032, 8.473, 39.4), w('IMAGENET1K_V2', 82.828, 8.473, 39.4)] },
  { name: 'regnet_y_16gf', family: 'regnet_y', headWidth: 3024, modules: ['regnet'], weightsEnum: 'RegNet_Y_16GF_Weights', weights: [w('IMAGENET1K_V1', 80.424, 15.912, 83.6), w('IMAGENET1K_V2', 82.886, 15.912, 83.6), w('IMAGENET1K_SWAG_LINEAR_V1', 83.976, 15.912, 83.6), w('IMAGENET1K_SWAG_E2E_V1', 86.012, 46.735, 83.6, 384)] },
  { name: 'regnet_y_32gf', family: 'regnet_y', headWidth: 3712, modules: ['regnet'], weightsEnum: 'RegNet_Y_32GF_Weights', weights: [w('IMAGENET1K_V1', 80.878, 32.28, 145.0), w('IMAGENET1K_V2', 83.368, 32.28, 145.0), w('IMAGENET1K_SWAG_LINEAR_V1', 84.622, 32.28, 145.0), w('IMAGENET1K_SWAG_E2E_V1', 86.838, 94.826, 145.0, 384)], heavy: true, siblings: ['regnet_y_8gf'] },
  { name: 'regnet_y_128gf', family: 'regnet_y', headWidth: 7392, modules: ['regnet'], weightsEnum: 'RegNet_Y_128GF_Weights', weights: [w('IMAGENET1K_SWAG_LINEAR_V1', 86.068, 127.518, 644.8), w('IMAGENET1K_SWAG_E2E_V1', 88.228, 374.57, 644.8, 384)], heavy: true, siblings: ['regnet_y_16gf'] },
  { name: 'densenet121', family: 'densenet', headWidth: 1024, modules: ['densenet'], weightsEnum: 'DenseNet121_Weights', weights: [w('IMAGENET1K_V1', 74.434, 2.834, 8.0)] },
  { name: 'densenet201', family: 'densenet', headWidth: 1920, modules: ['densenet'], weightsEnum: 'DenseNet201_Weights', weights: [w('IMAGENET1K_V1', 76.896, 4.291, 20.0)] },
  { name: 'mobilenet_v2', family: 'mobilenet_v2', headWidth: 1280, modules: ['mobilenetv2'], weightsEnum: 'MobileNet_V2_Weights', weights: [w('IMAGENET1K_V1', 71.878, 0.301, 3.5), w('IMAGENET1K_V2', 72.154, 0.301, 3.5)] },
  { name: 'mobilenet_v3_large', family: 'mobilenet_v3', headWidth: 960, modules: ['mobilenetv3'], weightsEnum: 'MobileNet_V3_Large_Weights', weights: [w('IMAGENET1K_V1', 74.042, 0.217, 5.5), w('IMAGENET1K_V2', 75.274, 0.217, 5.5)] },
  { name: 'swin_t', family: 'swin', headWidth: 768, modules: ['swin_transformer'], weightsEnum: 'Swin_T_Weights', weights: [w('IMAGENET1K_V1', 81.474, 4.491, 28.3)] },
  { name: 'swin_b', family: 'swin', headWidth: 1024, modules: ['swin_transformer'], weightsEnum: 'Swin_B_Weights', weights: [w('IMAGENET1K_V1', 83.582, 15.431, 87.8)] },
].map((m) => ({ ...m, library: 'torchvision' as const, source: TV }));

/**
 * timm registry names with the same architecture as a torchvision builder.
 * Accuracy is left out on purpose: timm ships several weights per name and
 * their accuracy differs from torchvision's; params and FLOPs do not.
 */
const TIMM_SAME_AS: [timm: string, torchvision: string, siblings?: string[]][] = [
  ['resnet18', 'resnet18'],
  ['resnet34', 'resnet34'],
  ['resnet50', 'resnet50'],
  ['resnet101', 'resnet101', ['resnet50']],
  ['resnet152', 'resnet152', ['resnet50']],
  ['wide_resnet50_2', 'wide_resnet50_2'],
  ['wide_resnet101_2', 'wide_resnet101_2', ['wide_resnet50_2', 'resnet50']],
  ['resnext50_32x4d', 'resnext50_32x4d'],
  ['resnext101_32x8d', 'resnext101_32x8d', ['resnext50_32x4d']],
  ['resnext101_64x4d', 'resnext101_64x4d', ['resnext50_32x4d']],
  ['vgg11', 'vgg11'],
  ['vgg11_bn', 'vgg11_bn'],
  ['vgg16', 'vgg16', ['resnet50', 'vgg11']],
  ['vgg16_bn', 'vgg16_bn', ['resnet50', 'vgg11_bn']],
  ['vgg19', 'vgg19', ['resnet50', 'vgg11']],
  ['vgg19_bn', 'vgg19_bn', ['resnet50', 'vgg11_bn']],
  ['vit_base_patch16_224', 'vit_b_16'],
  ['vit_base_patch32_224', 'vit_b_32'],
  ['vit_large_patch16_224', 'vit_l_16', ['vit_base_patch16_224']],
  ['vit_large_patch32_224', 'vit_l_32', ['vit_base_patch32_224']],
  ['vit_huge_patch14_224', 'vit_h_14', ['vit_base_patch16_224']],
  ['efficientnet_b0', 'efficientnet_b0'],
  ['efficientnet_b3', 'efficientnet_b3'],
  ['efficientnet_b4', 'efficientnet_b4'],
  ['efficientnet_b5', 'efficientnet_b5', ['efficientnet_b4', 'efficientnet_b3']],
  ['efficientnet_b6', 'efficientnet_b6', ['efficientnet_b4', 'efficientnet_b3']],
  ['efficientnet_b7', 'efficientnet_b7', ['efficientnet_b4', 'efficientnet_b3']],
  ['tf_efficientnet_b4', 'efficientnet_b4'],
  ['tf_efficientnet_b5', 'efficientnet_b5', ['tf_efficientnet_b4']],
  ['tf_efficientnet_b6', 'efficientnet_b6', ['tf_efficientnet_b4']],
  ['tf_efficientnet_b7', 'efficientnet_b7', ['tf_efficientnet_b4']],
  ['tf_efficientnetv2_s', 'efficientnet_v2_s'],
  ['tf_efficientnetv2_l', 'efficientnet_v2_l', ['tf_efficientnetv2_s']],
  ['convnext_tiny', 'convnext_tiny'],
  ['convnext_small', 'convnext_small'],
  ['convnext_base', 'convnext_base'],
  ['convnext_large', 'convnext_large', ['convnext_small', 'convnext_base']],
  ['regnety_080', 'regnet_y_8gf'],
  ['regnety_160', 'regnet_y_16gf'],
  ['regnety_320', 'regnet_y_32gf', ['regnety_080']],
  ['regnety_1280', 'regnet_y_128gf', ['regnety_160']],
  ['densenet121', 'densenet121'],
  ['densenet201', 'densenet201'],
  ['mobilenetv2_100', 'mobilenet_v2'],
  ['mobilenetv3_large_100', 'mobilenet_v3_large'],
  ['swin_tiny_patch4_window7_224', 'swin_t'],
  ['swin_base_patch4_window7_224', 'swin_b'],
];

const TIMM: VisionModel[] = TIMM_SAME_AS.map(([name, tv, siblings]) => {
  const base = TORCHVISION.find((m) => m.name === tv)!;
  return {
    library: 'timm',
    name,
    family: base.family,
    headWidth: base.headWidth,
    sameAs: tv,
    heavy: base.heavy,
    siblings,
    source: `${TV}, for torchvision ${tv} (same architecture as timm ${name})`,
  };
});

const k = (
  name: string,
  family: string,
  modules: string[],
  paramsM: number,
  top1: number,
  cpuMs?: number,
  gpuMs?: number,
  extra: Partial<VisionModel> = {},
): VisionModel => ({ library: 'keras', name, family, modules, paramsM, top1, cpuMs, gpuMs, source: KERAS, ...extra });

/** Keras Applications (`keras.applications.<Name>`); CPU/GPU times are per inference step at batch 32. */
const KERAS_APPS: VisionModel[] = [
  k('VGG16', 'vgg', ['vgg16'], 138.4, 71.3, 69.5, 4.2, { heavy: true, siblings: ['MobileNetV2', 'ResNet50V2'] }),
  k('VGG19', 'vgg', ['vgg19'], 143.7, 71.3, 84.8, 4.4, { heavy: true, siblings: ['MobileNetV2', 'ResNet50V2'] }),
  k('ResNet50', 'resnet', ['resnet', 'resnet50'], 25.6, 74.9, 58.2, 4.6, { headWidth: 2048 }),
  k('ResNet101', 'resnet', ['resnet'], 44.7, 76.4, 89.6, 5.2, { headWidth: 2048 }),
  k('ResNet152', 'resnet', ['resnet'], 60.4, 76.6, 127.4, 6.5, { headWidth: 2048, heavy: true, siblings: ['ResNet50'] }),
  k('ResNet50V2', 'resnet_v2', ['resnet_v2'], 25.6, 76.0, 45.6, 4.4, { headWidth: 2048 }),
  k('ResNet101V2', 'resnet_v2', ['resnet_v2'], 44.7, 77.2, 72.7, 5.4, { headWidth: 2048 }),
  k('ResNet152V2', 'resnet_v2', ['resnet_v2'], 60.4, 78.0, 107.5, 6.6, { headWidth: 2048, heavy: true, siblings: ['ResNet50V2'] }),
  k('InceptionV3', 'inception_v3', ['inception_v3'], 23.9, 77.9, 42.2, 6.9),
  k('InceptionResNetV2', 'inception_resnet_v2', ['inception_resnet_v2'], 55.9, 80.3, 130.2, 10.0, { heavy: true, siblings: ['EfficientNetB2', 'InceptionV3'] }),
  k('MobileNetV2', 'mobilenet_v2', ['mobilenet_v2'], 3.5, 71.3, 25.9, 3.8),
  k('DenseNet121', 'densenet', ['densenet'], 8.1, 75.0, 77.1, 5.4),
  k('DenseNet201', 'densenet', ['densenet'], 20.2, 77.3, 127.2, 6.7),
  k('NASNetMobile', 'nasnet', ['nasnet'], 5.3, 74.4, 27.0, 6.7),
  k('NASNetLarge', 'nasnet', ['nasnet'], 88.9, 82.5, 344.5, 20.0, { heavy: true, siblings: ['EfficientNetB3', 'EfficientNetB4'] }),
  k('EfficientNetB0', 'efficientnet', ['efficientnet'], 5.3, 77.1, 46.0, 4.9),
  k('EfficientNetB1', 'efficientnet', ['efficientnet'], 7.9, 79.1, 60.2, 5.6),
  k('EfficientNetB2', 'efficientnet', ['efficientnet'], 9.2, 80.1, 80.8, 6.5),
  k('EfficientNetB3', 'efficientnet', ['efficientnet'], 12.3, 81.6, 140.0, 8.8),
  k('EfficientNetB4', 'efficientnet', ['efficientnet'], 19.5, 82.9, 308.3, 15.1),
  k('EfficientNetB5', 'efficientnet', ['efficientnet'], 30.6, 83.6, 579.2, 25.3, { heavy: true, siblings: ['EfficientNetB4', 'EfficientNetB3'] }),
  k('EfficientNetB6', 'efficientnet', ['efficientnet'], 43.3, 84.0, 958.1, 40.4, { heavy: true, siblings: ['EfficientNetB4', 'EfficientNetB3'] }),
  k('EfficientNetB7', 'efficientnet', ['efficientnet'], 66.7, 84.3, 1578.9, 61.6, { heavy: true, siblings: ['EfficientNetB4', 'EfficientNetB3'] }),
  k('EfficientNetV2S', 'efficientnet_v2', ['efficientnet_v2'], 21.6, 83.9),
  k('EfficientNetV2M', 'efficientnet_v2', ['efficientnet_v2'], 54.4, 85.3),
  k('EfficientNetV2L', 'efficientnet_v2', ['efficientnet_v2'], 119.0, 85.7, undefined, undefined, { heavy: true, siblings: ['EfficientNetV2S'] }),
];

export const VISION_MODELS: readonly VisionModel[] = [...TORCHVISION, ...TIMM, ...KERAS_APPS];

/** BERT paper Table 1 reports the uncased models; cased entries carry no test score. */
const glueTest = (value: number): Score => ({ benchmark: 'GLUE test average', value, source: BERT_PAPER });
const glueDev = (value: number): Score => ({ benchmark: 'GLUE dev macro-score', value, source: DISTIL_README });
/** Table 3 evaluates the pretrained Llama 2 models, so chat entries carry no score. */
const mmlu = (value: number): Score => ({ benchmark: 'MMLU (5-shot)', value, source: LLAMA2 });

const DISTILBERT_CLAIM = `DistilBERT has 40% fewer parameters than BERT-base, runs 60% faster and keeps 97% of its GLUE score (${DISTIL_PAPER}, abstract)`;

export const LANGUAGE_MODELS: readonly LanguageModel[] = [
  { id: 'bert-large-uncased', aliases: ['google-bert/bert-large-uncased', 'bert-large-uncased-whole-word-masking', 'google-bert/bert-large-uncased-whole-word-masking'], paramsM: 340, source: BERT_PAPER, scores: [glueTest(82.1)], heavy: true, stem: 'bert-large', siblings: ['distilbert-base-uncased', 'bert-base-uncased'] },
  { id: 'bert-large-cased', aliases: ['google-bert/bert-large-cased', 'bert-large-cased-whole-word-masking', 'google-bert/bert-large-cased-whole-word-masking'], paramsM: 340, source: BERT_PAPER, heavy: true, stem: 'bert-large', siblings: ['distilbert-base-cased', 'bert-base-cased'] },
  { id: 'bert-base-uncased', aliases: ['google-bert/bert-base-uncased'], paramsM: 110, source: BERT_PAPER, scores: [glueTest(79.6), glueDev(79.5)] },
  { id: 'bert-base-cased', aliases: ['google-bert/bert-base-cased'], paramsM: 110, source: BERT_PAPER, scores: [glueDev(78.2)] },
  { id: 'distilbert-base-uncased', aliases: ['distilbert/distilbert-base-uncased'], paramsM: 66, source: DISTIL_README, scores: [glueDev(77.0)], claim: DISTILBERT_CLAIM },
  { id: 'distilbert-base-cased', aliases: ['distilbert/distilbert-base-cased'], paramsM: 65, source: DISTIL_README, scores: [glueDev(75.9)], claim: DISTILBERT_CLAIM },
  { id: 'roberta-large', aliases: ['FacebookAI/roberta-large'], paramsM: 355, source: FAIRSEQ_ROBERTA, heavy: true, stem: 'roberta-large', siblings: ['distilroberta-base', 'roberta-base'] },
  { id: 'roberta-base', aliases: ['FacebookAI/roberta-base'], paramsM: 125, source: FAIRSEQ_ROBERTA },
  { id: 'distilroberta-base', aliases: ['distilbert/distilroberta-base'], paramsM: 82, source: DISTIL_README, claim: `DistilRoBERTa keeps 95% of RoBERTa-base's GLUE score and runs twice as fast (${DISTIL_README})` },
  { id: 'gpt2-xl', aliases: ['openai-community/gpt2-xl'], paramsM: 1500, source: GPT2_CARDS, heavy: true, stem: 'gpt2-xl', siblings: ['gpt2-medium', 'distilgpt2'] },
  { id: 'gpt2-large', aliases: ['openai-community/gpt2-large'], paramsM: 774, source: GPT2_CARDS, heavy: true, stem: 'gpt2-large', siblings: ['gpt2-medium', 'distilgpt2'] },
  { id: 'gpt2-medium', aliases: ['openai-community/gpt2-medium'], paramsM: 355, source: GPT2_CARDS },
  { id: 'gpt2', aliases: ['openai-community/gpt2'], paramsM: 124, source: GPT2_CARDS },
  { id: 'distilgpt2', aliases: ['distilbert/distilgpt2'], paramsM: 82, source: DISTIL_README, claim: `DistilGPT2 runs twice as fast as GPT-2; WikiText-103 test perplexity 21.1 vs 16.3 after fine-tuning (${DISTIL_README})` },
  { id: 't5-11b', aliases: ['google-t5/t5-11b'], paramsM: 11000, source: T5_CARDS, heavy: true, stem: 't5-11b', siblings: ['t5-base', 't5-small'] },
  { id: 't5-3b', aliases: ['google-t5/t5-3b'], paramsM: 3000, source: T5_CARDS, heavy: true, stem: 't5-3b', siblings: ['t5-base', 't5-small'] },
  { id: 't5-large', aliases: ['google-t5/t5-large'], paramsM: 770, source: T5_CARDS, heavy: true, stem: 't5-large', siblings: ['t5-base', 't5-small'] },
  { id: 't5-base', aliases: ['google-t5/t5-base'], paramsM: 220, source: T5_CARDS },
  { id: 't5-small', aliases: ['google-t5/t5-small'], paramsM: 60, source: T5_CARDS },
  { id: 'xlm-roberta-large', aliases: ['FacebookAI/xlm-roberta-large'], paramsM: 560, source: FAIRSEQ_XLMR, heavy: true, stem: 'xlm-roberta-large', siblings: ['xlm-roberta-base'] },
  { id: 'xlm-roberta-base', aliases: ['FacebookAI/xlm-roberta-base'], paramsM: 250, source: FAIRSEQ_XLMR },
  { id: 'meta-llama/Llama-2-70b-hf', aliases: ['meta-llama/Llama-2-70b'], paramsM: 70000, source: LLAMA2, scores: [mmlu(68.9)], heavy: true, stem: 'llama-2-70b', siblings: ['meta-llama/Llama-2-13b-hf', 'meta-llama/Llama-2-7b-hf'] },
  { id: 'meta-llama/Llama-2-70b-chat-hf', aliases: ['meta-llama/Llama-2-70b-chat'], paramsM: 70000, source: LLAMA2, heavy: true, stem: 'llama-2-70b-chat', siblings: ['meta-llama/Llama-2-13b-chat-hf', 'meta-llama/Llama-2-7b-chat-hf'] },
  { id: 'meta-llama/Llama-2-13b-hf', aliases: ['meta-llama/Llama-2-13b'], paramsM: 13000, source: LLAMA2, scores: [mmlu(54.8)] },
  { id: 'meta-llama/Llama-2-13b-chat-hf', aliases: ['meta-llama/Llama-2-13b-chat'], paramsM: 13000, source: LLAMA2 },
  { id: 'meta-llama/Llama-2-7b-hf', aliases: ['meta-llama/Llama-2-7b'], paramsM: 7000, source: LLAMA2, scores: [mmlu(45.3)] },
  { id: 'meta-llama/Llama-2-7b-chat-hf', aliases: ['meta-llama/Llama-2-7b-chat'], paramsM: 7000, source: LLAMA2 },
];
