// Lazy-expanding union tree: a unit's children are fetched the first time it is opened.
document.addEventListener("click", async (event) => {
  const toggle = event.target.closest("[data-tree-toggle]");
  if (!toggle) return;
  const item = toggle.closest("li");
  const holder = item.querySelector(":scope > .children");
  const expanded = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!expanded));
  toggle.querySelector("i").className = expanded ? "bi bi-caret-right-fill" : "bi bi-caret-down-fill";
  if (expanded) { holder.hidden = true; return; }
  if (!holder.dataset.loaded) {
    const response = await fetch(toggle.dataset.treeToggle, { headers: { "X-Requested-With": "fetch" } });
    holder.innerHTML = response.ok ? await response.text() : "";
    holder.dataset.loaded = "1";
  }
  holder.hidden = false;
});
