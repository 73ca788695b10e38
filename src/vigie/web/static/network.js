// A group's network with cytoscape.js: readable at 500 nodes (force layout, node size by
// strength, labels by handle that can be hidden, a k-core filter to see the dense heart).
"use strict";
(async () => {
  const box = document.getElementById("network");
  if (!box || typeof cytoscape === "undefined") return;
  const r = await fetch(box.dataset.src, { headers: { Accept: "application/json" } });
  if (!r.ok) { box.textContent = "network unavailable"; return; }
  const data = await r.json();
  const maxCore = data.nodes.reduce((m, n) => Math.max(m, n.core), 0);
  const maxStrength = data.nodes.reduce((m, n) => Math.max(m, n.strength), 0) || 1;
  const colours = { co_link: "#0072B2", co_repost: "#E69F00", co_reply: "#CC79A7", co_hashtag: "#009E73", co_mention: "#000000",
    copypasta: "#D55E00", sync_activity: "#56B4E9", creation_burst: "#999999" };
  const cy = cytoscape({
    container: box,
    elements: [
      ...data.nodes.map((n) => ({ data: { id: n.id, label: n.label, core: n.core, size: 10 + 30 * n.strength / maxStrength } })),
      ...data.edges.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, w: e.weight, colour: colours[e.kinds[0]] || "#888" } })),
    ],
    style: [
      { selector: "node", style: { width: "data(size)", height: "data(size)", "background-color": "#0072B2", label: "data(label)", "font-size": 9, color: "#1d2330", "text-valign": "bottom", "min-zoomed-font-size": 7 } },
      { selector: "edge", style: { width: "mapData(w, 0, 20, 0.5, 5)", "line-color": "data(colour)", opacity: 0.55, "curve-style": "haystack" } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: ".nolabel", style: { label: "" } },
    ],
    layout: { name: data.nodes.length > 300 ? "grid" : "cose", animate: false, randomize: false, nodeRepulsion: 6000, numIter: 600 },
    wheelSensitivity: 0.3,
  });
  if (data.nodes.length > 300) cy.layout({ name: "cose", animate: false, numIter: 250, nodeRepulsion: 8000 }).run();
  const slider = document.getElementById("core-filter");
  const count = document.getElementById("net-count");
  slider.max = String(maxCore);
  const show = () => {
    const k = parseInt(slider.value, 10);
    document.getElementById("core-value").textContent = k === 0 ? "all" : k + "-";
    cy.nodes().forEach((n) => n.toggleClass("hidden", n.data("core") < k));
    const shown = cy.nodes().filter((n) => !n.hasClass("hidden")).length;
    count.textContent = shown + " of " + data.nodes.length + " accounts shown" + (data.capped ? " (the strongest 500 are drawn)" : "");
  };
  slider.addEventListener("input", show);
  document.getElementById("labels-toggle").addEventListener("change", (e) => cy.nodes().toggleClass("nolabel", !e.target.checked));
  document.getElementById("fit").addEventListener("click", () => cy.fit(cy.nodes(":visible"), 20));
  window.vigieNetwork = cy; // tests read it
  show();
})();
