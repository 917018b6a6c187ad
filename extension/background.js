// The background does the work: reads the page, asks the server, stores the
// answer per tab. The panel only renders what is stored.

import * as api from "./lib/api.js";
import * as browser from "./lib/browser.js";

async function check(tabId) {
  await browser.updateTabState(tabId, { busy: "check", error: null, notice: null });
  try {
    const answer = await api.analyze(await read(tabId));
    await browser.updateTabState(tabId, { busy: null, answer });
  } catch (error) {
    await browser.updateTabState(tabId, { busy: null, answer: null, error: describe(error) });
  }
}

async function add(tabId) {
  await browser.updateTabState(tabId, { busy: "add", error: null, notice: null });
  try {
    const added = await api.addArticle(await read(tabId));
    await browser.updateTabState(tabId, { busy: null, notice: added });
  } catch (error) {
    await browser.updateTabState(tabId, { busy: null, error: describe(error) });
  }
}

async function read(tabId) {
  try {
    return await browser.readPage(tabId);
  } catch (error) {
    throw new api.ApiError("unreadable", `This page cannot be read (${error.message}).`);
  }
}

function describe(error) {
  return { kind: error.kind ?? "server", message: error.message, server: error.server ?? null };
}

const jobs = { check, add };

browser.onToolbarClick((tabId) => check(tabId));
browser.onMessage(async ({ job, tabId }) => {
  if (!jobs[job]) throw new Error(`unknown job ${job}`);
  await jobs[job](tabId);
  return { done: true };
});
browser.onTabRemoved((tabId) => browser.forgetTab(tabId));
browser.onTabLoading((tabId) => browser.forgetTab(tabId)); // the answer was for the previous page
