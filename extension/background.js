// The background does the work: reads the page, asks the server, stores the
// answer per tab. The panel only renders what is stored.

import { marksOf } from "./lib/answer.js";
import * as api from "./lib/api.js";
import * as browser from "./lib/browser.js";

async function check(tabId) {
  await browser.updateTabState(tabId, { busy: "check", error: null, notice: null, undo: null });
  try {
    const answer = await api.analyze(await read(tabId));
    await browser.updateTabState(tabId, { busy: null, answer });
    await browser.annotatePage(tabId, marksOf(answer)).catch(() => null); // marks are a bonus
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

// The reader says a passage is not the same fact as the claim: the server keeps that, the card goes.
async function dismiss(tabId, { claim, passage }) {
  const { answer } = await browser.tabState(tabId);
  const match = answer?.claims[claim]?.matches.find((m) => m.passage.id === passage);
  if (!match) return;
  try {
    const id = await api.addFeedback(answer.claims[claim].text, match);
    await browser.updateTabState(tabId, {
      answer: withMatches(answer, claim, (ms) => ms.filter((m) => m !== match && m.passage.id !== passage)),
      undo: { id, claim, match }, error: null, notice: null,
    });
  } catch (error) {
    await browser.updateTabState(tabId, { error: describe(error) });
  }
}

async function undo(tabId) {
  const { answer, undo: last } = await browser.tabState(tabId);
  if (!last) return;
  try {
    await api.deleteFeedback(last.id);
    await browser.updateTabState(tabId, {
      answer: withMatches(answer, last.claim, (ms) => [...ms, last.match]), undo: null, error: null,
    });
  } catch (error) {
    await browser.updateTabState(tabId, { error: describe(error) });
  }
}

function withMatches(answer, index, change) {
  const claims = answer.claims.map((c, i) => (i === index ? { ...c, matches: change(c.matches) } : c));
  return { ...answer, claims };
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

const jobs = { check, add, dismiss, undo };

browser.onToolbarClick((tabId) => check(tabId));
browser.onMessage(async ({ job, tabId, ...details }) => {
  if (!jobs[job]) throw new Error(`unknown job ${job}`);
  await jobs[job](tabId, details);
  return { done: true };
});
browser.onTabRemoved((tabId) => browser.forgetTab(tabId));
browser.onTabLoading((tabId) => browser.forgetTab(tabId)); // the answer was for the previous page
