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
  // Select a freshly created API token so it is easy to copy.
  document.addEventListener("DOMContentLoaded", function () {
    var t = document.getElementById("new-token");
    if (t) { t.focus(); t.select(); }
  });
})();
