// The panel: renders the stored state of its tab; buttons ask the background to work.

import * as browser from "../lib/browser.js";
import { quoteOf } from "../lib/answer.js";
import { render } from "../lib/render.js";

const results = document.getElementById("results");
const located = document.getElementById("located");
const buttons = [document.getElementById("check"), document.getElementById("add")];
const view = { filter: "all", related: false };
let tabId = null;
let state = {};
let stopWatching = null;

async function follow(id) {
  tabId = id;
  stopWatching?.();
  stopWatching = browser.onTabState(id, (next) => {
    if (next.answer !== state.answer || next.busy) located.textContent = ""; // about the old answer
    state = next;
    draw();
  });
  located.textContent = "";
  state = await browser.tabState(id);
  draw();
}

function draw() {
  const focused = document.activeElement?.name;
  const scroll = window.scrollY;
  results.replaceChildren(render(state, view));
  results.setAttribute("aria-busy", String(Boolean(state.busy)));
  for (const button of buttons) button.disabled = Boolean(state.busy);
  if (focused === "filter") results.querySelector("input[name=filter]:checked")?.focus();
  if (focused === "related") results.querySelector("input[name=related]")?.focus();
  window.scrollTo(0, scroll);
}

async function showClaim(button) {
  const quote = quoteOf(state.answer, Number(button.dataset.claim));
  for (const other of results.querySelectorAll(".located")) other.classList.remove("located");
  try {
    const found = await browser.highlightInPage(tabId, quote);
    button.classList.toggle("located", found.found);
    located.textContent = found.found ? "Highlighted in the page."
      : "This sentence was not found in the page.";
  } catch (error) {
    located.textContent = `The page cannot be reached (${error.message}).`;
  }
}

for (const button of buttons) { // a button's id names its job in background.js
  button.addEventListener("click", () => browser.send({ job: button.id, tabId }));
}
document.getElementById("settings").addEventListener("click", () => browser.openOptions());
results.addEventListener("change", (event) => {
  if (event.target.name === "filter") view.filter = event.target.value;
  else if (event.target.name === "related") view.related = event.target.checked;
  else return;
  draw();
});
// The server's stored copy opens in a tab the browser opens (see browser.openTab).
document.addEventListener("click", (event) => {
  const stored = event.target.closest?.("a.stored");
  if (!stored) return;
  event.preventDefault();
  browser.openTab(stored.href);
});
results.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (button?.classList.contains("claim-text") || button?.classList.contains("claim-link")) {
    showClaim(button);
  }
  if (button?.classList.contains("wrong")) {
    browser.send({ job: "dismiss", tabId,
      claim: Number(button.dataset.claim), passage: Number(button.dataset.passage) });
  }
  if (button?.classList.contains("undo")) browser.send({ job: "undo", tabId });
});

// A mark clicked in the page: show its claim (in "All", where every claim is).
browser.onMarkClicked((fromTab, index) => {
  if (fromTab !== tabId) return;
  if (!document.getElementById(`claim-${index}`)) {
    view.filter = "all";
    draw();
  }
  const claim = document.getElementById(`claim-${index}`);
  if (!claim) return;
  claim.closest("details")?.setAttribute("open", "");
  claim.scrollIntoView({ block: "start" });
  claim.querySelector(".claim-text").focus({ preventScroll: true });
});

const start = await browser.panelTabId();
if (!start.fixed) await browser.onTabActivated(follow);
await follow(start.id);
