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

// "Add a row": clone the formset's empty form, numbered after the existing ones.
document.querySelectorAll("[data-add-form]").forEach((button) => {
  button.addEventListener("click", () => {
    const prefix = button.dataset.addForm;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const template = document.querySelector(`[data-empty-form="${prefix}"]`);
    const html = template.innerHTML.replaceAll("__prefix__", total.value);
    document.querySelector(`[data-formset="${prefix}"]`).insertAdjacentHTML("beforeend", html);
    total.value = Number(total.value) + 1;
  });
});

// A header checkbox [data-select-all="name"] ticks or clears every checkbox named "name".
document.querySelectorAll("[data-select-all]").forEach((box) => {
  box.addEventListener("change", () => {
    document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
      .forEach((item) => { item.checked = box.checked; });
  });
});

// Progress bars drawn from data-percent: no style attribute in the markup (CSP).
document.querySelectorAll("[data-percent]").forEach((bar) => {
  bar.style.width = `${Number(bar.dataset.percent) || 0}%`;
});
