// Settings: the server address and access token, and a connection test.

import { START_COMMAND, health, settings } from "../lib/api.js";
import { saveSettings } from "../lib/browser.js";

const form = document.getElementById("settings");
const result = document.getElementById("result");
const HINTS = { down: ` Start it with ${START_COMMAND}.`, refused: " Check the access token." };
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

document.getElementById("test").addEventListener("click", async () => {
  const config = entered();
  if (!valid(config)) return;
  report("Testing…", true);
  try {
    const found = await health(config);
    report(`Connected: ${found.articles} articles, ${found.passages} passages stored.`, true);
  } catch (error) {
    report(`${error.message}${HINTS[error.kind] ?? ""}`, false);
  }
});

const current = await settings();
form.server.value = current.server;
form.token.value = current.token;
document.getElementById("fields").disabled = false;
