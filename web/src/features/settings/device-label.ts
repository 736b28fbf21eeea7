/**
 * A signed-in session's browser and system in a few words ("Chrome 131 on Windows 10", "Safari 18 on
 * iOS 18.1"), read from the User-Agent it signed in with by ua-parser-js. Pure: tested alone.
 */
import { UAParser } from 'ua-parser-js';

export interface Device {
  /** The browser and its major version, e.g. "Chrome 131"; null when the string names none. */
  browser: string | null;
  /** The system and its version, e.g. "Windows 10", "macOS 10.15.7"; null when the string names none. */
  system: string | null;
}

export function deviceOf(userAgent: string | null | undefined): Device {
  if (!userAgent) return { browser: null, system: null };
  const { browser, os } = new UAParser(userAgent).getResult();
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || null;
  return {
    browser: browser.name ? join(browser.name, browser.major) : null,
    system: os.name ? join(os.name.replace(/^Mac OS$/, 'macOS'), os.version) : null,
  };
}
