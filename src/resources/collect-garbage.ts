import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now (V8's gc(), enabled at run time when the process was not
 * started with --expose-gc); false where it cannot be had. For the memory alarm: the bodies a
 * drain released are external memory V8 frees only when it collects their Buffers, and an idle
 * broker allocates nothing that would make it collect.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') gc = exposed;
    else {
      try {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc') as () => void;
      } catch {
        gc = null;
      }
    }
  }
  if (gc === null) return false;
  gc();
  return true;
}
