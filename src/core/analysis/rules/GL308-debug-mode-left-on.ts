import type { CallFact } from '../facts';
import type { Rule, RuleReport } from '../rule';
import { argument, importsPackage } from '../ruleHelpers';
import type { Range } from '../types';

interface DebugSwitch {
  /** What the call does, as the message's first sentence. */
  what: string;
  /** Why it costs energy and what to do, in one or two sentences with the source. */
  advice: string;
  /** Profilers are often on purpose (a profiling script); debug switches rarely are. */
  severity: 'warning' | 'information';
  range: Range;
}

const ANOMALY =
  'Anomaly detection records a traceback for every forward operation and checks every backward result for NaN, which slows each training step considerably; enable it only while hunting a NaN, e.g. behind a `--debug` flag. ' +
  'Source: PyTorch autograd docs, "Anomaly detection".';
const EAGER =
  'Running tf.functions eagerly gives up graph execution for every training step, which is much slower; keep it for debugging only. ' +
  'Source: TensorFlow docs, tf.config.run_functions_eagerly.';
const KERAS_EAGER =
  'A model compiled with `run_eagerly=True` runs every training step as plain Python instead of a compiled graph, which is much slower; keep it for debugging only. ' +
  'Source: Keras docs, Model.compile.';
const CHECK_NUMERICS = 'Numeric checking inspects every tensor for NaN and Inf on every operation; keep it for debugging only. Source: TensorFlow docs, tf.debugging.enable_check_numerics.';
const DISABLE_JIT = 'Disabling jit runs every JAX operation one by one in Python; keep it for debugging only. Source: JAX docs, jax.disable_jit.';
const JAX_NANS = 'NaN checking inspects the output of every compiled computation and re-runs failing ones op by op; keep it for debugging only. Source: JAX docs, "Debugging NaNs".';
const PROFILER =
  'Profiling records every operator (and with NVTX, annotates every kernel) for as long as it is active, which adds overhead to each step; ' +
  'in a profiling script this is the point, elsewhere profile a few steps (`torch.profiler.schedule`) or remove it once done. Source: PyTorch profiler docs.';

/** Whether the first argument (or `keyword`) is literally True: `set_detect_anomaly(args.debug)` is a switch left to the user. */
function literallyTrue(call: CallFact, keyword: string): boolean {
  const a = argument(call, keyword, 0);
  return a !== undefined && a.hasLiteral && a.literal === true;
}

/** `enabled=False` turns a profiler or anomaly mode into a no-op. */
function disabled(call: CallFact): boolean {
  const a = argument(call, 'enabled');
  return a !== undefined && a.hasLiteral && a.literal === false;
}

function debugSwitch(call: CallFact, usesKeras: boolean): DebugSwitch | undefined {
  const at = (what: string, advice: string, severity: DebugSwitch['severity'], range: Range = call.calleeRange): DebugSwitch => ({ what, advice, severity, range });
  if (call.imported) {
    switch (call.name) {
      case 'torch.autograd.set_detect_anomaly':
      case 'torch.autograd.anomaly_mode.set_detect_anomaly':
        return literallyTrue(call, 'mode') ? at('`set_detect_anomaly(True)` turns on anomaly detection', ANOMALY, 'warning') : undefined;
      case 'torch.autograd.detect_anomaly':
      case 'torch.autograd.anomaly_mode.detect_anomaly':
        return at('`detect_anomaly()` turns on anomaly detection', ANOMALY, 'warning');
      case 'tensorflow.config.run_functions_eagerly':
      case 'tensorflow.config.experimental_run_functions_eagerly':
        return literallyTrue(call, 'run_eagerly') ? at('`run_functions_eagerly(True)` turns on eager execution', EAGER, 'warning') : undefined;
      case 'tensorflow.data.experimental.enable_debug_mode':
        return at('`enable_debug_mode()` turns on tf.data debug mode', 'tf.data debug mode runs the input pipeline eagerly, without parallelism. Source: TensorFlow docs, tf.data.experimental.enable_debug_mode.', 'warning');
      case 'tensorflow.debugging.enable_check_numerics':
        return at('`enable_check_numerics()` turns on numeric checking', CHECK_NUMERICS, 'warning');
      case 'jax.disable_jit':
        return at('`jax.disable_jit()` turns off compilation', DISABLE_JIT, 'warning');
      case 'jax.config.update': {
        const flag = argument(call, 'name', 0)?.literal;
        if (call.args[1]?.literal !== true) return undefined;
        if (flag === 'jax_disable_jit') return at('`jax_disable_jit=True` turns off compilation', DISABLE_JIT, 'warning');
        if (flag === 'jax_debug_nans') return at('`jax_debug_nans=True` turns on NaN checking', JAX_NANS, 'warning');
        return undefined;
      }
      case 'torch.autograd.profiler.profile':
      case 'torch.profiler.profile':
        return disabled(call) ? undefined : at('A PyTorch profiler is active here', PROFILER, 'information');
      case 'torch.autograd.profiler.emit_nvtx':
        return disabled(call) ? undefined : at('`emit_nvtx()` turns on NVTX profiling', PROFILER, 'information');
      case 'tensorflow.profiler.experimental.start':
      case 'tensorflow.profiler.experimental.Profile':
        return at('The TensorFlow profiler is started here', 'It traces every operation while it runs; profile a few steps and stop it. Source: TensorFlow profiler guide.', 'information');
    }
    return undefined;
  }
  // Keras `model.compile(..., run_eagerly=True)` is the per-model eager switch.
  if (usesKeras && call.method === 'compile') {
    const eager = argument(call, 'run_eagerly');
    if (eager?.hasLiteral && eager.literal === true) return at('`compile(run_eagerly=True)` turns on eager execution', KERAS_EAGER, 'warning', eager.range);
  }
  return undefined;
}

/**
 * GL308: a debugging or profiling switch left on: anomaly detection, eager
 * execution, numeric checks, disabled jit (Warnings) or a profiler
 * (Information, since profiling scripts use one on purpose). Flagged where it
 * is written, including config modules imported by the training script.
 */
export const debugModeLeftOn: Rule = {
  meta: {
    code: 'GL308',
    name: 'debug-mode-left-on',
    family: 'GL3',
    summary: 'A debugging or profiling mode that slows every step is left switched on.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const usesKeras = importsPackage(facts, 'tensorflow') || importsPackage(facts, 'keras');
    const reports: RuleReport[] = [];
    for (const call of facts.calls) {
      const found = debugSwitch(call, usesKeras);
      if (!found) continue;
      reports.push({ range: found.range, severity: found.severity, message: `${found.what}. ${found.advice}` });
    }
    return reports;
  },
};
