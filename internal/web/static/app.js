// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before destructive form posts marked with data-confirm.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
  // Copy buttons (data-copy="input id") appear only with this script; the
  // readonly input beside them can always be selected and copied by hand.
  function copied(btn, input, ok) {
    var status = document.getElementById(input.id + "-status");
    if (status) { status.textContent = ok ? "Copied to the clipboard." : "Press Ctrl+C (⌘C on a Mac) to copy the selected address."; }
    if (ok) { btn.textContent = "Copied"; }
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button[data-copy]");
    if (!btn) { return; }
    var input = document.getElementById(btn.getAttribute("data-copy"));
    if (!input) { return; }
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { copied(btn, input, true); }, function () {
        copied(btn, input, document.execCommand("copy"));
      });
    } else {
      copied(btn, input, document.execCommand("copy"));
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy][hidden]").forEach(function (b) { b.hidden = false; });
  });
  // Select a freshly created API token so it is easy to copy.
  document.addEventListener("DOMContentLoaded", function () {
    var t = document.getElementById("new-token");
    if (t) { t.focus(); t.select(); }
  });
})();
