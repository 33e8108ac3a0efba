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

// Wide tables: a scrollable region the keyboard can reach and a screen reader can name, and on
// a phone each row a card whose cells carry their column's heading (data-label, read by CSS).
document.querySelectorAll(".table-responsive").forEach((region) => {
  if (!region.hasAttribute("tabindex")) region.tabIndex = 0;
  if (!region.hasAttribute("role")) region.setAttribute("role", "region");
  if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
    const table = region.querySelector("table");
    const caption = table && table.caption;
    const header = region.closest(".card")?.querySelector(".card-header");
    const heading = document.querySelector("main h1");
    const label = (caption || header || heading)?.textContent.trim().replace(/\s+/g, " ");
    if (label) region.setAttribute("aria-label", label);
  }
});
document.querySelectorAll(".table-responsive > table:not(.table-keep)").forEach((table) => {
  const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
  if (!headings.length) return;
  table.classList.add("table-cards");
  table.querySelectorAll("tbody tr, tfoot tr").forEach((row) => {
    let column = 0;
    Array.from(row.cells).forEach((cell) => {
      if (!cell.dataset.label && headings[column]) cell.dataset.label = headings[column];
      column += cell.colSpan || 1;
    });
  });
});

// A <select data-search-url> holds only its chosen option: a search box above it asks the URL
// (?q=) for the matching choices as the user types, and fills the select with them.
document.querySelectorAll("select[data-search-url]").forEach((select) => {
  const box = document.createElement("input");
  box.type = "search";
  box.className = "form-control form-control-sm mb-1";
  box.placeholder = select.dataset.searchPlaceholder || "";
  box.setAttribute("aria-controls", select.id);
  box.autocomplete = "off";
  select.before(box);
  let timer = null;
  let asked = 0;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = box.value.trim();
      if (text.length < 2) return;
      const number = ++asked;
      const url = new URL(select.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", text);
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      if (!response.ok || number !== asked) return;
      const { results } = await response.json();
      const blank = select.querySelector("option[value='']");
      select.replaceChildren(...(blank ? [blank] : []));
      results.forEach(({ id, text: label }) => select.add(new Option(label, id)));
      if (results.length) select.value = String(results[0].id);
    }, 250);
  });
});
