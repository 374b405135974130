// netmon status page: sort the fleet table, filter it by zone, refresh the page's data in
// place (sort, filter and scroll kept), and reload the map only when an AP changed state.
"use strict";

const state = { column: -1, descending: false, zone: "" };

function sortValue(cell, type) {
  const raw = cell.dataset.sort ?? cell.textContent;
  return type === "number" ? parseFloat(raw) : raw.toLocaleLowerCase();
}

function applySort(table) {
  if (state.column < 0) return;
  const header = table.tHead.rows[0].cells[state.column];
  const type = header.dataset.type;
  const rows = Array.from(table.tBodies[0].rows);
  rows.sort((a, b) => {
    const x = sortValue(a.cells[state.column], type);
    const y = sortValue(b.cells[state.column], type);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return state.descending ? -order : order;
  });
  rows.forEach((row) => table.tBodies[0].appendChild(row));
  Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
    if (i === state.column) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
    else th.removeAttribute("aria-sort");
  });
}

function applyFilter(table) {
  Array.from(table.tBodies[0].rows).forEach((row) => {
    row.hidden = state.zone !== "" && row.dataset.zone !== state.zone;
  });
}

function wire() {
  const table = document.getElementById("fleet-table");
  const filter = document.getElementById("zone-filter");
  Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
    th.addEventListener("click", () => {
      state.descending = state.column === i ? !state.descending : false;
      state.column = i;
      applySort(table);
    });
  });
  filter.value = state.zone;
  filter.addEventListener("change", () => {
    state.zone = filter.value;
    applyFilter(table);
  });
  applySort(table);
  applyFilter(table);
}

const LIVE_PARTS = ["summary", "incidents-now", "fleet", "zones", "fibre", "incidents"];

async function refresh() {
  try {
    const answer = await fetch(window.location.href, { cache: "no-store" });
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    const before = document.getElementById("summary").dataset.fleet;
    LIVE_PARTS.forEach((id) => {
      const part = fresh.getElementById(id);
      if (part) document.getElementById(id).replaceWith(part);
    });
    wire();
    if (document.getElementById("summary").dataset.fleet !== before) {
      const map = document.getElementById("map-frame");
      map.src = map.src;
    }
  } catch (error) {
    console.warn("refresh failed, will retry", error);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  wire();
  const seconds = parseInt(document.body.dataset.refreshS, 10) || 30;
  window.setInterval(refresh, seconds * 1000);
});
