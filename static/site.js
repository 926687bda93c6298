/* scholarsite: small progressive enhancements. Every page reads fine without this file. */
(function () {
  "use strict";

  /* Copy buttons: <button data-copy="ID"> copies the text of the element #ID. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function announce(button, message, state) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = message;
    button.setAttribute("data-state", state);
    window.clearTimeout(Number(button.getAttribute("data-timer")));
    var timer = window.setTimeout(function () {
      button.textContent = label;
      button.removeAttribute("data-state");
    }, 2000);
    button.setAttribute("data-timer", String(timer));
  }

  function setUpCopyButton(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    button.setAttribute("aria-live", "polite");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(target.textContent).then(
        function () { announce(button, "Copied", "done"); },
        function () { announce(button, "Press Ctrl+C", "failed"); selectContents(target); }
      );
    });
  }

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /* Printing shows folded lists (all authors, all co-authors) in full. */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  /* On a narrow screen the year filter's row scrolls sideways: bring the chosen year into it. */
  function showChosenYear() {
    var chip = document.querySelector('.year-filter a[href="' + (location.hash || "#all").replace(/["\\]/g, "") + '"]');
    var row = chip && chip.closest("ul");
    if (row && row.scrollWidth > row.clientWidth) {
      var at = chip.getBoundingClientRect(), shown = row.getBoundingClientRect();
      row.scrollLeft += at.left - shown.left - (shown.width - at.width) / 2;
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setUpCopyButton);
    showChosenYear();
    window.addEventListener("hashchange", showChosenYear);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
