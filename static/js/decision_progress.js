// An issued decision's page follows the rendering of its certificates until it is done.
(function () {
  const box = document.getElementById("render-progress");
  if (!box || box.dataset.state === "done") return;
  const template = box.dataset.labelTemplate;
  const bar = box.querySelector("[data-role=bar]");
  const label = box.querySelector("[data-role=label]");
  const error = box.querySelector("[data-role=error]");
  const downloads = box.querySelector("[data-role=downloads]");
  const resume = box.querySelector("[data-role=resume]");
  async function poll() {
    let data;
    try {
      const response = await fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (!response.ok) { setTimeout(poll, 2000); return; }
      data = await response.json();
    } catch (e) { setTimeout(poll, 2000); return; }
    const total = data.total || 1;
    bar.style.width = Math.round(100 * data.rendered / total) + "%";
    label.textContent = template.replace("__RENDERED__", data.rendered).replace("__TOTAL__", data.total) + " · " + data.state_label;
    if (data.done) { downloads.classList.remove("d-none"); window.location.reload(); return; }
    if (data.failed) { error.textContent = data.error; error.classList.remove("d-none"); }
    if (resume && (data.failed || data.stale)) resume.classList.remove("d-none");
    if (!data.failed) setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
