// Settings: pairing with the server (address and access token from one link), the two
// fields by hand, and a connection test.

import { START_COMMAND, START_FROM_SOURCE, health, pairPages, pairing, settings } from "../lib/api.js";
import { saveSettings } from "../lib/browser.js";

const form = document.getElementById("settings");
const result = document.getElementById("result");
const HINTS = {
  down: ` Start it with ${START_COMMAND} (in a source checkout: ${START_FROM_SOURCE}).`,
  refused: " Check the access token.",
};
const LOCAL = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/;

function entered() {
  return { server: form.server.value.trim().replace(/\/+$/, ""), token: form.token.value.trim() };
}

function report(text, ok) {
  result.textContent = text;
  result.className = ok ? "ok" : "failed";
}

function valid(config) {
  if (LOCAL.test(config.server)) return true;
  report("The address must be http://127.0.0.1:PORT or http://localhost:PORT.", false);
  return false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const config = entered();
  if (!valid(config)) return;
  await saveSettings(config);
  report("Saved.", true);
});

// True when the server answered with this config, the outcome shown either way.
async function test(config, connected) {
  try {
    const found = await health(config);
    report(`${connected}: ${found.articles} articles, ${found.passages} passages stored.`, true);
    return true;
  } catch (error) {
    report(`${error.message}${HINTS[error.kind] ?? ""}`, false);
    return false;
  }
}

document.getElementById("test").addEventListener("click", async () => {
  const config = entered();
  if (!valid(config)) return;
  report("Testing…", true);
  await test(config, "Connected");
});

// Pairing: one pasted link gives address and token; they are kept once the server takes them.
document.getElementById("pair").addEventListener("submit", async (event) => {
  event.preventDefault();
  const config = pairing(event.target.link.value, entered().server);
  if (!config) {
    report("Paste the whole link the server printed, http://127.0.0.1:PORT/?token=…", false);
    return;
  }
  if (!valid(config)) return;
  report("Pairing…", true);
  if (!(await test(config, `Paired with ${config.server}`))) return;
  await saveSettings(config);
  form.server.value = config.server;
  form.token.value = config.token;
  event.target.link.value = "";
  await pairPages(config);
});

const current = await settings();
form.server.value = current.server;
form.token.value = current.token;
document.getElementById("fields").disabled = false;
