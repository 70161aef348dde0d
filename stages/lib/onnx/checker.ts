// Optional validation with the reference `onnx.checker` (Python), used when a Python with the
// onnx package is installed; absence is reported, never an error.
import { execFileSync } from 'node:child_process';

const PYTHONS = ['python3', '/usr/bin/python3'];

export type CheckResult = { readonly available: false } | { readonly available: true; readonly ok: boolean; readonly message: string };

let cachedPython: string | null | undefined;

/** The first Python that can `import onnx`, or null. */
export function findOnnxPython(): string | null {
  if (cachedPython === undefined) {
    cachedPython = null;
    for (const python of PYTHONS) {
      try {
        execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore', timeout: 30_000 });
        cachedPython = python;
        break;
      } catch {
        // try the next one
      }
    }
  }
  return cachedPython;
}

// full_check also runs shape inference; contrib-domain ops are skipped by the checker.
const SCRIPT = 'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint("ok", m.ir_version, [(o.domain, o.version) for o in m.opset_import])';

export function checkOnnxFile(path: string): CheckResult {
  const python = findOnnxPython();
  if (!python) return { available: false };
  try {
    const out = execFileSync(python, ['-c', SCRIPT, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    return { available: true, ok: true, message: out.trim() };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { available: true, ok: false, message: stderr.trim().split('\n').slice(-3).join('\n') };
  }
}
