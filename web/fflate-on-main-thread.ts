/**
 * fflate as the web app's bundle sees it (vite.config.ts aliases `fflate` here): its asynchronous `zip`
 * compresses a large file in a Web Worker made from a `blob:` URL, which the page's Content-Security-Policy
 * refuses (workers only from the app's own files). write-excel-file calls that `zip`, so a workbook of
 * more than a few thousand rows failed to download. Here `zip` compresses on the page's own thread, as
 * fflate already does for small files; a workbook is written once, on a click, with the button busy.
 */
import {
  zipSync,
  type AsyncZipOptions,
  type AsyncZippable,
  type FlateCallback,
  type Zippable,
} from 'fflate/browser';

export * from 'fflate/browser';

export function zip(
  data: AsyncZippable,
  optionsOrDone: AsyncZipOptions | FlateCallback,
  done?: FlateCallback,
) {
  const callback = typeof optionsOrDone === 'function' ? optionsOrDone : done!;
  const options = typeof optionsOrDone === 'function' ? {} : optionsOrDone;
  let cancelled = false;
  // Called back later, as the asynchronous API promises, never inside the caller's own call.
  queueMicrotask(() => {
    if (cancelled) return;
    try {
      callback(null, zipSync(data as Zippable, options));
    } catch (error) {
      callback(error as Parameters<FlateCallback>[0], new Uint8Array(0));
    }
  });
  return () => {
    cancelled = true;
  };
}
