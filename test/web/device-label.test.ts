import { describe, expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { deviceOf } = (await import(`${WEB}/features/settings/device-label.ts`)) as {
  deviceOf: (userAgent: string | null | undefined) => { browser: string | null; system: string | null };
};

describe("a signed-in session's device, from its User-Agent", () => {
  it.each([
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      { browser: 'Chrome 131', system: 'Windows 10' },
    ],
    [
      'Safari on a Mac',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      { browser: 'Safari 18', system: 'macOS 10.15.7' },
    ],
    [
      'Safari on an iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      { browser: 'Mobile Safari 18', system: 'iOS 18.1' },
    ],
    [
      'Firefox on Linux',
      'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      { browser: 'Firefox 133', system: 'Linux' },
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      { browser: 'Edge 131', system: 'Windows 10' },
    ],
    [
      'WeChat on Android (its built-in browser, common in China)',
      'Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
      { browser: 'WeChat 8', system: 'Android 14' },
    ],
    [
      'a headless Chromium (the browser tests)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
      { browser: 'Chrome Headless 131', system: 'Linux' },
    ],
    ['a script', 'curl/8.5.0', { browser: null, system: null }],
    ['nothing', null, { browser: null, system: null }],
  ])('%s', (_case, userAgent, device) => {
    expect(deviceOf(userAgent)).toEqual(device);
  });
});
