// The certificate template editor: the preview follows the text, rendered by the server.
(function () {
  const form = document.getElementById("template-form");
  const frame = document.getElementById("preview-frame");
  const errorBox = document.querySelector("[data-role=preview-error]");
  const url = form.querySelector("[data-role=preview]").getAttribute("formaction");
  let timer = null, objectUrl = null;
  async function preview() {
    const response = await fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin"});
    if (!response.ok) {
      errorBox.textContent = await response.text();
      errorBox.classList.remove("d-none");
      return;
    }
    errorBox.classList.add("d-none");
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(await response.blob());
    frame.src = objectUrl;
  }
  form.querySelector("textarea").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(preview, 800);
  });
  form.querySelector("[data-role=preview]").addEventListener("click", function (event) {
    event.preventDefault();
    preview();
  });
  preview();
})();
