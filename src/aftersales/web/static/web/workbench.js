/* The workbench's few behaviours that htmx does not cover.
   - queue keys: j / k move the selection, Enter opens the case, a claims it (clicks the row's
     "Claim" button, an htmx POST), / focuses the search; never while typing in a field;
   - the selection survives the poll (rows are matched by data-case);
   - window.workbenchShown(): rows on screen, so the poll reloads as many as were paged in;
   - <select data-autosubmit> submits its form when changed (the organisation switcher);
   - <form data-fold-narrow> shows only its search on a phone until "Filters" is pressed;
   - the language switch comes back to the current address, filters included;
   - success messages in #flash disappear after a few seconds. */
(function () {
  "use strict";
  var selected = null;   // the selected case id (a string), kept across swaps

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-rows tr[data-case]"));
  }

  function current() {
    return rows().find(function (r) { return r.dataset.case === selected; }) || null;
  }

  function select(row, scroll) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    if (!row) { return; }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    selected = row.dataset.case;
    if (scroll) { row.scrollIntoView({block: "nearest"}); }
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var i = all.indexOf(current());
    i = i < 0 ? 0 : Math.min(all.length - 1, Math.max(0, i + step));
    select(all[i], true);
  }

  window.workbenchShown = function () { return rows().length; };

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) { return; }
    var t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) {
      if (e.key === "Escape") { t.blur(); }
      return;
    }
    if (!document.getElementById("queue-rows")) { return; }
    var row;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter":
        if (t && t.closest && t.closest("a, button")) { return; }   // a focused link or button does its own thing
        row = current();
        if (!row) { return; }
        window.location.href = row.querySelector("a.case-link").href;
        break;
      case "a":
        row = current();
        var claim = row && row.querySelector("button.claim");
        if (!claim) { return; }
        claim.click();
        break;
      case "/":
        var q = document.getElementById("filter-q");
        if (!q) { return; }
        q.focus();
        q.select();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("#queue-rows tr[data-case]");
    if (row) { select(row, false); }
  });

  // Success messages go after a while; errors stay until the next message.
  function fadeSuccess() {
    document.querySelectorAll("#flash .msg-success").forEach(function (m) {
      setTimeout(function () { m.remove(); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", fadeSuccess);

  // After the poll, "more", a claim or a filter change: mark the selected case again if it is still there.
  document.addEventListener("htmx:afterSettle", function () {
    var row = current();
    if (row) { select(row, false); }
    fadeSuccess();
  });

  // On a phone the filters fold away (unless one is set), so that the cases come first.
  function fold(form, folded) {
    form.classList.toggle("folded", folded);
    var toggle = form.querySelector(".filters-toggle");
    if (toggle) { toggle.setAttribute("aria-expanded", String(!folded)); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 760px)").matches) { return; }
    document.querySelectorAll("form[data-fold-narrow]:not([data-active])").forEach(function (f) { fold(f, true); });
  });
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".filters-toggle");
    if (toggle) { fold(toggle.form, !toggle.form.classList.contains("folded")); }
  });

  // The language switch returns to the address shown now (htmx may have changed it since the page loaded).
  document.addEventListener("submit", function (e) {
    var next = e.target.querySelector && e.target.querySelector("form.lang input[name=next], input[name=next]");
    if (e.target.matches && e.target.matches("form.lang") && next) {
      next.value = window.location.pathname + window.location.search;
    }
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]")) { e.target.form.submit(); }
  });
})();
