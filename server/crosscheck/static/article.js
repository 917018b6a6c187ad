// A stored article opened for one passage (?passage=ID): bring that passage into view.
const chosen = document.querySelector("mark.chosen[id]");
if (chosen) {
  chosen.scrollIntoView({ block: "center" });
  chosen.focus({ preventScroll: true });
}
