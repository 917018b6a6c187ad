// Every browser API the extension uses, behind one small module.
// Firefox has `browser`, Chrome has `chrome`; both speak promises in Manifest V3.

const ext = globalThis.browser ?? globalThis.chrome;

const STATE_PREFIX = "tab:";

// --- the page in a tab ---------------------------------------------------

export async function readPage(tabId) {
  const [result] = await ext.scripting.executeScript({
    target: { tabId },
    func: () => ({
      html: document.documentElement.outerHTML,
      url: location.href,
      title: document.title,
    }),
  });
  return result.result;
}

// The anchoring script and its style go into a page once, on the first claim click or check.
async function anchorIn(target) {
  const [ready] = await ext.scripting.executeScript({
    target, func: () => Boolean(globalThis.crosscheckAnchor),
  });
  if (!ready.result) {
    await ext.scripting.insertCSS({ target, files: ["/page/highlight.css"] });
    await ext.scripting.executeScript({ target, files: ["/page/anchor.js"] });
  }
}

// Calls crosscheckAnchor[name](arg) in the page, anchor.js injected first if need be.
async function anchorCall(tabId, name, arg) {
  const target = { tabId };
  await anchorIn(target);
  const [done] = await ext.scripting.executeScript({
    target, func: (n, a) => globalThis.crosscheckAnchor[n](a), args: [name, arg],
  });
  return done.result;
}

// The claim's sentence highlighted and scrolled to: {found, how, text}.
export function highlightInPage(tabId, quote) {
  return anchorCall(tabId, "highlight", quote);
}

// Quiet marks on the checked sentences: [{exact, prefix, suffix, kind, claim}].
export function annotatePage(tabId, quotes) {
  return anchorCall(tabId, "annotate", quotes);
}

// A mark in the page was clicked: listener(tabId, claim index).
export function onMarkClicked(listener) {
  ext.runtime.onMessage.addListener((message, sender) => {
    if (Number.isInteger(message?.markClicked) && sender.tab) listener(sender.tab.id, message.markClicked);
  });
}

// --- tabs, panel, toolbar ------------------------------------------------

// A new tab the browser itself opens: the server shows its pages only to such a navigation
// (a plain link from the panel is a cross-site one, refused as a web page's would be).
export function openTab(url) {
  return ext.tabs.create({ url });
}

// The tab the panel works on: `?tab=ID` in the panel's address when given
// (tests open the panel page as a tab), else the active tab of the panel's window.
export async function panelTabId() {
  const fixed = new URLSearchParams(location.search).get("tab");
  if (fixed) return { id: Number(fixed), fixed: true };
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return { id: tab?.id, fixed: false };
}

// Another tab becomes the active one in the panel's window.
export async function onTabActivated(listener) {
  const { id } = await ext.windows.getCurrent();
  ext.tabs.onActivated.addListener(({ tabId, windowId }) => {
    if (windowId === id) listener(tabId);
  });
}

export function onTabRemoved(listener) {
  ext.tabs.onRemoved.addListener(listener);
}

// A tab starts loading a new page (needs no "tabs" permission: only the status is read).
export function onTabLoading(listener) {
  ext.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === "loading") listener(tabId);
  });
}

// Must run inside the click handler: both browsers only open a panel on a user gesture.
export function onToolbarClick(listener) {
  ext.action.onClicked.addListener((tab) => {
    if (ext.sidePanel) ext.sidePanel.open({ windowId: tab.windowId });
    else ext.sidebarAction.open();
    listener(tab.id);
  });
}

export function openOptions() {
  return ext.runtime.openOptionsPage();
}

// --- messages between the panel and the background ----------------------

export function send(message) {
  return ext.runtime.sendMessage(message);
}

export function onMessage(handler) {
  ext.runtime.onMessage.addListener((message, _sender, reply) => {
    if (!message?.job) return false; // not a job (a mark clicked in a page: for the panel)
    handler(message).then(reply, (error) => reply({ error: String(error) }));
    return true;
  });
}

// --- per-tab state (what the background found), kept for the session -----

export async function tabState(tabId) {
  const key = STATE_PREFIX + tabId;
  return (await ext.storage.session.get(key))[key] ?? {};
}

export async function updateTabState(tabId, change) {
  const key = STATE_PREFIX + tabId;
  const state = { ...(await tabState(tabId)), ...change };
  await ext.storage.session.set({ [key]: state });
  return state;
}

export function forgetTab(tabId) {
  return ext.storage.session.remove(STATE_PREFIX + tabId);
}

export function onTabState(tabId, listener) {
  const key = STATE_PREFIX + tabId;
  const handler = (changes, area) => {
    if (area === "session" && changes[key]) listener(changes[key].newValue ?? {});
  };
  ext.storage.onChanged.addListener(handler);
  return () => ext.storage.onChanged.removeListener(handler);
}

// --- settings -------------------------------------------------------------

export async function loadSettings(defaults) {
  return { ...defaults, ...(await ext.storage.local.get(Object.keys(defaults))) };
}

export function saveSettings(settings) {
  return ext.storage.local.set(settings);
}
