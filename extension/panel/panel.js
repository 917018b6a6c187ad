// The panel: renders the stored state of its tab; buttons ask the background to work.

import * as browser from "../lib/browser.js";
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
  const claim = state.answer.claims[Number(button.dataset.claim)];
  const text = state.answer.article.text;
  const quote = {
    exact: claim.text,
    prefix: text.slice(Math.max(0, claim.start - 32), claim.start),
    suffix: text.slice(claim.end, claim.end + 32),
  };
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
results.addEventListener("click", (event) => {
  const button = event.target.closest("button.claim-text");
  if (button) showClaim(button);
});

const start = await browser.panelTabId();
if (!start.fixed) await browser.onTabActivated(follow);
await follow(start.id);
