// The fill-in page: re-score and re-check as the user types (POST to the preview URL, which
// saves nothing), mark the cells that have findings, and add indicator rows.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("edit-form");
  if (!form) return;
  const panel = document.getElementById("preview");
  let timer = null;
  let pending = null;

  async function preview() {
    const body = new FormData(form);
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const resp = await fetch(form.dataset.preview, {
        method: "POST", body, credentials: "same-origin", signal: pending.signal,
        headers: { "X-CSRF-Token": body.get("csrf_token") },
      });
      panel.innerHTML = await resp.text();  // server-rendered and escaped by the template
      const marks = JSON.parse(document.getElementById("preview-marks").textContent || "{}");
      form.querySelectorAll("td.marked").forEach((td) => {
        td.classList.remove("marked", "sev-error", "sev-warning", "sev-info");
      });
      for (const [id, classes] of Object.entries(marks)) {
        const td = document.getElementById(id);
        if (td && form.contains(td)) td.classList.add(...classes.split(" ").filter(Boolean));
      }
      form.dataset.previewed = String(Number(form.dataset.previewed || 0) + 1);
    } catch (e) {
      if (e.name !== "AbortError") panel.textContent = "无法重新评分：" + e;
    }
  }

  const schedule = () => { clearTimeout(timer); timer = setTimeout(preview, 300); };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  preview();

  const add = document.getElementById("add-row");
  if (add) add.addEventListener("click", () => {
    const rows = form.querySelectorAll("tr.ind-row");
    const last = rows[rows.length - 1];
    const next = Number(last.dataset.index) + 1;
    const copy = last.cloneNode(true);
    copy.dataset.index = String(next);
    copy.querySelectorAll("[name]").forEach((el) => {
      el.name = el.name.replace(/^indicators\[\d+\]/, `indicators[${next}]`);
      el.value = "";
    });
    copy.querySelectorAll("td[id]").forEach((td) => {
      td.id = td.id.replace(/^cell-indicators-\d+-/, `cell-indicators-${next}-`);
      td.classList.remove("marked", "sev-error", "sev-warning", "sev-info");
    });
    last.after(copy);
    const head = document.getElementById("ind-head");
    if (head) head.rowSpan = head.rowSpan + 1;
  });
});
