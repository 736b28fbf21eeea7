/**
 * Keyboard focus is never dropped on <body>: one watcher for the whole app (started by the signed-in
 * layout, AppLayout), so no screen has to remember it.
 *
 * - A dialog that closes gives focus back to what opened it. Mantine's Modal does that itself only
 *   while it stays mounted; most dialogs here are rendered only while open (`{editing && <Modal …/>}`)
 *   and disappear at once, which left focus on <body> and sent keyboard users back to the page's top.
 *   The watcher notes, when focus first enters a dialog (`role="dialog"`), the element focused before;
 *   when the dialog leaves the page and focus is on <body>, it focuses that element again.
 * - A focused control that becomes disabled while it works (a button showing its spinner) or that
 *   disappears (a row deleted, a dialog's button) drops focus too: the watcher gives it back to that
 *   control once it can take it again.
 * - When that element is gone, focus goes to the menu button it was chosen from (an item of a menu),
 *   else into the dialog still open, else to the page's heading (PageHeader's <h1>, which takes
 *   focus), as when a new page opens.
 *
 * It steps in only while focus is on <body> and only for a few seconds after the loss: focus that a
 * screen or Mantine moved elsewhere, or that the person moved (a click on nothing), is left alone.
 */

const DIALOG = '[role="dialog"], [role="alertdialog"]';
/** How long a disabled control is waited for (a save, a merge) before focus goes to the heading. */
const WAIT_ENABLED_MS = 15_000;
/** How long a new page's heading is waited for (a screen's code or data still loading). */
const WAIT_HEADING_MS = 5_000;
/** After Mantine's own focus return (10 ms after a kept-mounted modal closes): it goes first. */
const SETTLE_MS = 30;

interface Target {
  /** Where focus goes back to: the focused element, or for an item of a menu, the menu's button. */
  element: HTMLElement;
  /** The element that had focus. */
  origin: HTMLElement;
}

interface Pending {
  target: Target | null;
  since: number;
  /** Disabled when lost: waited for until it can take focus again. */
  waitEnabled: boolean;
}

function isDisabled(element: HTMLElement): boolean {
  return (
    element.matches(':disabled') ||
    element.getAttribute('aria-disabled') === 'true' ||
    element.hasAttribute('data-disabled') ||
    element.closest('[inert]') !== null
  );
}

function canTakeFocus(element: HTMLElement | null): element is HTMLElement {
  return (
    element !== null && element.isConnected && !isDisabled(element) && element.getClientRects().length > 0
  );
}

/** The button of the menu an element is an item of (Mantine's target names the open menu in aria-controls). */
function menuButtonOf(element: HTMLElement): HTMLElement | null {
  const menu = element.closest<HTMLElement>('[role="menu"]');
  if (!menu?.id) return null;
  return element.ownerDocument.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`);
}

const FOCUSABLE =
  'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/**
 * Where focus goes when the element to return to is gone: into the dialog still open (the last one
 * opened), else the page's heading.
 */
function placeOfLastResort(doc: Document): HTMLElement | null {
  const dialogs = [...doc.querySelectorAll<HTMLElement>(DIALOG)].filter((d) => d.getClientRects().length > 0);
  const dialog = dialogs.at(-1);
  if (dialog) {
    const inside = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].find(canTakeFocus);
    return inside ?? dialog;
  }
  const heading =
    doc.querySelector<HTMLElement>('main h1') ?? doc.querySelector<HTMLElement>('h1:not([hidden])');
  if (!heading || heading.getClientRects().length === 0) return null;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  return heading;
}

/** Starts the watcher on a document; returns the function that stops it. */
export function keepFocus(doc: Document = document): () => void {
  const win = doc.defaultView!;
  /** Each open dialog (once focus has been in it) and what had focus before it opened. */
  const openers = new Map<HTMLElement, Target | null>();
  let last: Target | null = null;
  let pending: Pending | null = null;
  let timer = 0;

  const focusOnNothing = () => doc.activeElement === null || doc.activeElement === doc.body;
  // An item of a menu is gone with its menu (it may be still on the page, fading out): its button.
  // The button is found while the menu is open; an item focused again later keeps it.
  const targetOf = (element: HTMLElement): Target =>
    last?.origin === element ? last : { element: menuButtonOf(element) ?? element, origin: element };

  const onFocusIn = (event: FocusEvent) => {
    const element = event.target;
    if (!(element instanceof win.HTMLElement) || element === doc.body) return;
    const dialog = element.closest<HTMLElement>(DIALOG);
    if (dialog && !openers.has(dialog))
      openers.set(dialog, last && !dialog.contains(last.element) ? last : null);
    last = targetOf(element);
    pending = null;
  };

  // Focus moved to nothing by the person (a click on the page's background): not a loss to repair.
  const onFocusOut = (event: FocusEvent) => {
    if (event.relatedTarget !== null) return;
    const element = event.target;
    win.setTimeout(() => {
      if (
        focusOnNothing() &&
        last?.origin === element &&
        element instanceof win.HTMLElement &&
        element.isConnected &&
        !isDisabled(element) &&
        !pending
      )
        last = null;
    }, 0);
  };

  const schedule = () => {
    win.clearTimeout(timer);
    timer = win.setTimeout(settle, SETTLE_MS);
  };

  function settle() {
    if (!pending) return;
    if (!focusOnNothing()) {
      pending = null;
      return;
    }
    const waited = Date.now() - pending.since;
    const target = pending.target;
    if (target && canTakeFocus(target.element)) {
      target.element.focus({ preventScroll: false });
      if (doc.activeElement === target.element) {
        pending = null;
        return;
      }
    }
    if (target) {
      // Still on the page but disabled (working): wait for it, while the mutations come.
      if (pending.waitEnabled && target.element.isConnected && waited < WAIT_ENABLED_MS) return;
    }
    const place = placeOfLastResort(doc);
    if (place) {
      place.focus({ preventScroll: true });
      pending = null;
      return;
    }
    if (waited > WAIT_HEADING_MS) pending = null;
  }

  const observer = new win.MutationObserver(() => {
    // Dialogs that have left the page: back to what opened them (the outermost's, when one closed
    // another with it).
    let closedFrom: Target | null | undefined;
    for (const [dialog, opener] of openers) {
      if (dialog.isConnected) continue;
      openers.delete(dialog);
      if (closedFrom === undefined || (opener && !closedFrom?.element.isConnected)) closedFrom = opener;
    }
    if (closedFrom !== undefined && focusOnNothing()) {
      pending = { target: closedFrom, since: Date.now(), waitEnabled: true };
      schedule();
      return;
    }
    if (!focusOnNothing()) {
      if (pending) pending = null;
      return;
    }
    if (pending) {
      schedule();
      return;
    }
    // The focused control went away or was disabled.
    if (last && (!last.origin.isConnected || isDisabled(last.origin))) {
      pending = { target: last, since: Date.now(), waitEnabled: last.element.isConnected };
      schedule();
    }
  });

  doc.addEventListener('focusin', onFocusIn, true);
  doc.addEventListener('focusout', onFocusOut, true);
  observer.observe(doc.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['disabled', 'data-disabled', 'aria-disabled', 'data-loading', 'inert', 'hidden'],
  });
  return () => {
    observer.disconnect();
    win.clearTimeout(timer);
    doc.removeEventListener('focusin', onFocusIn, true);
    doc.removeEventListener('focusout', onFocusOut, true);
  };
}
