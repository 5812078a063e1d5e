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

// Every page: the Chinese file picker shows the chosen names; the return comment is required
// (with a Chinese message) before a return is sent; deviation boxes grow with their text where the
// browser lacks `field-sizing`; the list's "select all" box.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".filepick-input").forEach((input) => {
    const names = document.querySelector(`.filepick-names[data-for="${input.id}"]`);
    if (!names) return;
    input.addEventListener("change", () => {
      const files = Array.from(input.files || []).map((f) => f.name);
      names.textContent = files.length ? files.join("、") : names.dataset.empty;
    });
  });

  document.querySelectorAll("textarea[data-required-message]").forEach((area) => {
    const message = area.dataset.requiredMessage;
    const check = () => area.setCustomValidity(area.value.trim() ? "" : message);
    area.addEventListener("input", check);
    check();
  });

  if (!CSS.supports("field-sizing", "content")) {
    const grow = (area) => { area.style.height = "auto"; area.style.height = area.scrollHeight + 2 + "px"; };
    document.querySelectorAll("table.paper.edit textarea").forEach((area) => {
      grow(area);
      area.addEventListener("input", () => grow(area));
    });
  }

  const all = document.getElementById("batch-all");
  if (all) all.addEventListener("change", () => {
    document.querySelectorAll("input.batch-id").forEach((box) => { box.checked = all.checked; });
  });
});
