/* The case page's behaviours (htmx does the posting and swapping):
   - countdowns (.countdown[data-due]) are recomputed every 30 s, in the page's language (the words
     come from the #countdown-words JSON the server writes), red under data-warn seconds or overdue;
   - evidence photos open large in the <dialog id="lightbox">;
   - the timeline shows its newest entries (scrolled to the end) after loading and after each swap. */
(function () {
  "use strict";
  var words = null;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)[ds]/g, function (_, name) { return values[name]; });
  }

  function span(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) { return fmt(words.dh, {days: days, hours: hours}); }
    if (hours && mins) { return fmt(words.hm, {hours: hours, minutes: mins}); }
    if (hours) { return fmt(words.h, {hours: hours}); }
    return fmt(words.m, {minutes: mins});
  }

  // The same rules as web/present.py countdown() and due_level().
  function tick() {
    if (!words) {
      var source = document.getElementById("countdown-words");
      if (!source) { return; }
      words = JSON.parse(source.textContent);
    }
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      if (isNaN(due)) { return; }
      var left = (due - now) / 1000, warn = Number(el.dataset.warn || 0), text;
      if (left > 0) {
        text = span(left);
      } else if (left > -60) {
        text = words.now;
      } else {
        var late = -left;
        if (late >= 3600) { late = Math.floor(late / 3600) * 3600; }
        text = fmt(words.overdue, {time: span(late)});
      }
      el.textContent = text;
      el.classList.toggle("is-overdue", left <= 0 && warn > 0);
      el.classList.toggle("is-soon", left > 0 && warn > 0 && left < warn);
    });
  }

  function scrollTimeline() {
    document.querySelectorAll("#case-timeline .events").forEach(function (list) { list.scrollTop = list.scrollHeight; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
    scrollTimeline();
  });
  document.addEventListener("htmx:afterSettle", function () { tick(); scrollTimeline(); });

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-lightbox]");
    var box = document.getElementById("lightbox");
    if (link && box && box.showModal) {
      e.preventDefault();
      box.querySelector("img").src = link.href;
      box.querySelector("img").alt = link.querySelector("img") ? link.querySelector("img").alt : "";
      box.querySelector(".lightbox-caption").textContent = link.title || "";
      box.showModal();
      return;
    }
    if (box && e.target === box) { box.close(); }   // a click on the backdrop
  });
})();
