// The nominate page's member picker: searches as you type (the server folds accents), and lists
// links to each member's nomination form. Without JavaScript the form submits the same search.
document.querySelectorAll("[data-member-picker]").forEach((form) => {
  const input = form.querySelector("input[name=q]");
  const round = form.querySelector("input[name=round]");
  const list = document.querySelector("[data-member-results]");
  const status = form.querySelector("[data-results-status]");
  let timer = null;
  let asked = 0;

  function item(member) {
    const li = document.createElement("li");
    li.className = "list-group-item";
    const link = document.createElement("a");
    link.className = "d-block text-decoration-none";
    link.href = member.url;
    const name = document.createElement("span");
    name.className = "fw-semibold";
    name.textContent = member.name;
    const details = document.createElement("span");
    details.className = "small text-body-secondary";
    details.textContent = [" ", member.position, member.unit, member.card].filter(Boolean).join(" · ");
    link.append(name, details);
    li.append(link);
    return li;
  }

  async function search() {
    const text = input.value.trim();
    const ask = ++asked;
    if (!text) { list.replaceChildren(); status.textContent = ""; return; }
    const params = new URLSearchParams({ q: text });
    if (round) params.set("round", round.value);
    const response = await fetch(`${form.dataset.searchUrl}?${params}`, { headers: { Accept: "application/json" } });
    if (!response.ok || ask !== asked) return;
    const { results } = await response.json();
    if (!results.length) {
      const none = document.createElement("li");
      none.className = "list-group-item text-body-secondary";
      none.textContent = status.dataset.none;
      list.replaceChildren(none);
    } else {
      list.replaceChildren(...results.map(item));
    }
    status.textContent = results.length ? `${status.dataset.count} ${results.length}` : status.dataset.none;
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  // Down arrow from the search box goes to the first result; the results are ordinary links.
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      const first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", (event) => {
    const links = Array.from(list.querySelectorAll("a"));
    const index = links.indexOf(document.activeElement);
    if (index < 0) return;
    if (event.key === "ArrowDown" && index < links.length - 1) { event.preventDefault(); links[index + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (index ? links[index - 1] : input).focus(); }
  });
});
