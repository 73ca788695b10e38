// vigie workbench: table sorting, job progress polling and the import preview. No framework:
// it must run offline for years; every request that writes carries the CSRF token.
"use strict";
const CSRF = (document.querySelector('meta[name="csrf"]') || {}).content || "";

function cellValue(td) {
  // a cell holding a form (a decision) sorts by what it says, not by its options' text
  if (td.dataset.sort !== undefined) return td.dataset.sort.toLowerCase();
  const t = td.textContent.trim().replace(/,/g, "");
  const n = parseFloat(t);
  return (t !== "" && !isNaN(n) && /^-?[\d.]+(e-?\d+)?$/i.test(t)) ? n : td.textContent.trim().toLowerCase();
}
document.querySelectorAll("table.sortable").forEach((table) => {
  table.querySelectorAll("thead th").forEach((th, col) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const asc = th.dataset.sort !== "asc";
      table.querySelectorAll("thead th").forEach((h) => delete h.dataset.sort);
      th.dataset.sort = asc ? "asc" : "desc";
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
        if (x < y) return asc ? -1 : 1;
        if (x > y) return asc ? 1 : -1;
        return 0;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
});

// a background job's page follows it until it ends
const job = document.getElementById("job");
if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
  const poll = async () => {
    const r = await fetch("/jobs/" + job.dataset.job, { headers: { Accept: "application/json" } });
    if (!r.ok) return;
    const j = await r.json();
    document.getElementById("job-state").textContent = j.state;
    document.getElementById("job-state").className = "badge " + j.state;
    document.getElementById("job-stage").textContent = j.stage;
    document.getElementById("job-elapsed").textContent = j.elapsed_s;
    document.getElementById("job-message").textContent = j.message;
    job.querySelector(".progress").className = "progress " + j.state;
    if (j.state === "done" || j.state === "failed") {
      job.dataset.state = j.state;
      if (j.state === "failed") document.getElementById("job-message").className = "error";
      if (j.result_url) {
        const p = document.getElementById("job-result");
        p.querySelector("a").href = j.result_url;
        p.hidden = false;
      }
      return;
    }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 400);
}

// the import wizard's live preview: the real ingest on the first rows, as the mapping changes
const mapping = document.getElementById("mapping-form");
if (mapping) {
  const preview = document.getElementById("preview");
  let pending = null;
  const refresh = async () => {
    const data = new FormData(mapping);
    preview.classList.add("muted");
    const r = await fetch("/import/preview", { method: "POST", body: data, headers: { "X-CSRF-Token": CSRF } });
    preview.innerHTML = await r.text();
    preview.classList.remove("muted");
  };
  mapping.addEventListener("change", () => { clearTimeout(pending); pending = setTimeout(refresh, 250); });
  refresh();
}
