/* khabar — behaviour of the web UI and of the report.
 * Data comes from JSON script blocks (type application/json); every string from an article is put in
 * the page with textContent or text nodes (never innerHTML). No network requests.
 */
(function () {
  "use strict";

  var cache = {};

  function data(id) {
    if (!Object.prototype.hasOwnProperty.call(cache, id)) {
      var node = document.getElementById(id);
      var value = {};
      if (node) {
        try { value = JSON.parse(node.textContent || "{}"); } catch (e) { value = {}; }
      }
      cache[id] = value;
    }
    return cache[id];
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null && text !== "") { e.textContent = String(text); }
    return e;
  }

  function safeHref(href) {
    href = String(href || "");
    // only in-page anchors and site-relative paths: never a URL scheme such as javascript or data
    if (href.charAt(0) === "#" || (href.charAt(0) === "/" && href.charAt(1) !== "/")) { return href; }
    return "#";
  }

  function sentence(parts) {
    var p = el("p", "ev-sentence");
    (parts || []).forEach(function (part) {
      if (part[1]) {
        p.appendChild(el("mark", String(part[1]), part[0]));
      } else {
        p.appendChild(document.createTextNode(String(part[0])));
      }
    });
    return p;
  }

  function evidenceItem(item) {
    var box = el("div", "ev-item " + (item.role === "conflicts" ? "conflicts" : "supports"));
    var head = el("div", "ev-head");
    head.appendChild(el("span", "badge " + (item.role === "conflicts" ? "bad" : "st-corroborated"), item.role_label));
    head.appendChild(el("span", null, [item.type, item.modality].filter(Boolean).join(" · ")));
    if (item.why) { head.appendChild(el("span", "badge warn", item.why)); }
    if (item.date) { head.appendChild(el("bdi", null, item.date)); }
    box.appendChild(head);
    box.appendChild(sentence(item.parts));
    var src = el("div", "ev-src");
    var a = el("a", null, item.title);
    a.setAttribute("href", safeHref(item.href));
    src.appendChild(a);
    var meta = [item.outlet, item.published].filter(Boolean).join(" · ");
    if (meta) { src.appendChild(document.createTextNode(" — " + meta)); }
    box.appendChild(src);
    return box;
  }

  function closePanels(row) {
    var next = row.nextElementSibling;
    if (next && next.classList.contains("evidence-row")) { next.parentNode.removeChild(next); }
    Array.prototype.forEach.call(row.querySelectorAll("button.cell[aria-expanded=\"true\"]"), function (b) {
      b.setAttribute("aria-expanded", "false");
    });
  }

  function toggleCell(btn) {
    var table = btn.closest("table.matrix");
    var row = btn.closest("tr");
    if (!table || !row) { return; }
    var claim = btn.getAttribute("data-claim");
    var col = btn.getAttribute("data-col");
    var key = claim + "|" + col;
    var next = row.nextElementSibling;
    var same = next && next.classList.contains("evidence-row") && next.getAttribute("data-key") === key;
    closePanels(row);
    if (same) { return; }
    var d = data(table.getAttribute("data-source"));
    var items = ((d.cells || {})[claim] || {})[col] || [];
    var tr = el("tr", "evidence-row");
    tr.setAttribute("data-key", key);
    var td = el("td");
    td.colSpan = row.children.length;
    var panel = el("div", "evidence-panel");
    panel.setAttribute("role", "region");
    var h = el("h4");
    h.appendChild(el("span", null, "الدليل من " + ((d.columns || [])[Number(col)] || "")));
    h.appendChild(el("span", "muted", "(" + items.length + ")"));
    var close = el("button", "close", "إغلاق ×");
    close.type = "button";
    close.addEventListener("click", function () { closePanels(row); btn.focus(); });
    h.appendChild(close);
    panel.appendChild(h);
    if (!items.length) { panel.appendChild(el("p", "muted", "لا دليل.")); }
    items.forEach(function (item) { panel.appendChild(evidenceItem(item)); });
    td.appendChild(panel);
    tr.appendChild(td);
    row.parentNode.insertBefore(tr, row.nextSibling);
    btn.setAttribute("aria-expanded", "true");
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) { return; }
    var btn = target.closest("button.cell");
    if (btn) { ev.preventDefault(); toggleCell(btn); }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("tr.evidence-row"), function (tr) {
      var row = tr.previousElementSibling;
      if (row) { closePanels(row); }
    });
  });

  /* filter a table's rows by the text in their data-text attribute */
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!(input instanceof Element) || !input.matches("input[data-filter]")) { return; }
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    var q = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      var text = (tr.getAttribute("data-text") || tr.textContent || "").toLowerCase();
      tr.hidden = q !== "" && text.indexOf(q) === -1;
    });
  });
})();
