// Ballots of prioritization rounds, progressively enhanced. Without this
// file a ranked ballot is a form with a rank number per candidate (equal
// numbers tie, empty leaves a candidate unranked); with it, the same form
// becomes a list to reorder by drag and drop or with "move up/down"
// buttons, and it fills the very same rank inputs before submitting.
// Dot ballots get a live total of the points spent.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (text) { e.textContent = text; }
    return e;
  }

  function enhanceRanked(form) {
    var list = form.querySelector(".rank-list");
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll(".rank-item"));
    if (!items.length) { return; }
    var live = el("p", { "class": "visually-hidden", "aria-live": "polite" });
    list.parentNode.insertBefore(live, list.nextSibling);
    var help = form.querySelector(".ballot-help");
    if (help) {
      help.textContent = "Drag the candidates into your order, or use the buttons: “Up” and “Down” move a candidate, " +
        "“Tie” ranks it equal with the one above, “Unrank” moves it below the line. Candidates below the line are not ranked.";
    }
    form.classList.add("js-ranked");

    // The line between ranked and unranked candidates.
    var divider = el("li", { "class": "rank-divider", "aria-hidden": "true" }, list.getAttribute("data-unranked-label") || "Not ranked");

    // Initial order: by rank (stable), unranked after the line.
    var ranked = [], unranked = [];
    items.forEach(function (li, i) {
      var input = li.querySelector(".rank-input");
      var n = parseInt(input.value, 10);
      li._order = i;
      li._rank = isNaN(n) ? null : n;
      (li._rank === null ? unranked : ranked).push(li);
    });
    ranked.sort(function (a, b) { return a._rank - b._rank || a._order - b._order; });

    items.forEach(function (li) {
      var title = li.querySelector(".rank-title").textContent.trim();
      var input = li.querySelector(".rank-input");
      input.hidden = true;
      li.setAttribute("draggable", "true");
      li.insertBefore(el("span", { "class": "drag-handle", "aria-hidden": "true" }, "⠿"), li.firstChild);
      li.insertBefore(el("span", { "class": "rank-badge", "aria-hidden": "true" }), li.children[1]);
      var controls = el("span", { "class": "rank-controls" });
      var tie = el("label", { "class": "tie-toggle" });
      var tieBox = el("input", { type: "checkbox" });
      tieBox.setAttribute("aria-label", "Tie " + title + " with the candidate above");
      tie.appendChild(tieBox);
      tie.appendChild(document.createTextNode(" Tie"));
      var up = el("button", { type: "button", "class": "outline secondary", "aria-label": "Move " + title + " up" }, "↑ Up");
      var down = el("button", { type: "button", "class": "outline secondary", "aria-label": "Move " + title + " down" }, "↓ Down");
      var toggle = el("button", { type: "button", "class": "outline secondary rank-toggle" });
      controls.appendChild(tie);
      controls.appendChild(up);
      controls.appendChild(down);
      controls.appendChild(toggle);
      li.appendChild(controls);
      li._title = title;
      li._tie = tieBox;
      li._toggle = toggle;
      up.addEventListener("click", function () { move(li, -1, up); });
      down.addEventListener("click", function () { move(li, 1, down); });
      toggle.addEventListener("click", function () {
        if (isRanked(li)) {
          list.appendChild(li); // to the end of the unranked
          say(title + " is no longer ranked.");
        } else {
          list.insertBefore(li, divider); // last of the ranked
          say(title + " is ranked " + positionText(li) + ".");
        }
        update();
        toggle.focus();
      });
      tieBox.addEventListener("change", function () {
        update();
        say(tieBox.checked ? title + " is tied with the candidate above." : title + " is ranked below the candidate above.");
      });
    });

    // Tie boxes start checked where a ballot had equal ranks.
    for (var i = 1; i < ranked.length; i++) {
      ranked[i]._tie.checked = ranked[i]._rank === ranked[i - 1]._rank;
    }
    ranked.forEach(function (li) { list.appendChild(li); });
    list.appendChild(divider);
    unranked.forEach(function (li) { list.appendChild(li); });

    function isRanked(li) {
      for (var n = li.nextElementSibling; n; n = n.nextElementSibling) {
        if (n === divider) { return true; }
      }
      return false;
    }

    function positionText(li) {
      var badge = li.querySelector(".rank-badge");
      return badge.textContent ? badge.textContent.replace(/^#/, "number ") : "";
    }

    function say(msg) { live.textContent = msg; }

    // move swaps li with its neighbour (the line counts as a neighbour, so
    // moving down past it unranks, moving up past it ranks).
    function move(li, dir, button) {
      var other = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (!other) { return; }
      if (dir < 0) { list.insertBefore(li, other); } else { list.insertBefore(other, li); }
      update();
      button.focus();
      say(isRanked(li) ? li._title + " is now " + positionText(li) + "." : li._title + " is not ranked.");
    }

    // update writes the ranks into the inputs: tiers follow the list order;
    // a checked tie box joins the tier above.
    function update() {
      var tier = 0, ranking = true, first = true;
      Array.prototype.forEach.call(list.children, function (li) {
        if (li === divider) { ranking = false; return; }
        var input = li.querySelector(".rank-input");
        var badge = li.querySelector(".rank-badge");
        if (ranking) {
          if (first || !li._tie.checked) { tier++; }
          li._tie.disabled = first;
          if (first) { li._tie.checked = false; }
          first = false;
          input.value = String(tier);
          badge.textContent = "#" + tier;
          li.classList.remove("unranked");
          li._toggle.textContent = "Unrank";
          li._toggle.setAttribute("aria-label", "Leave " + li._title + " unranked");
        } else {
          li._tie.checked = false;
          li._tie.disabled = true;
          input.value = "";
          badge.textContent = "–";
          li.classList.add("unranked");
          li._toggle.textContent = "Rank";
          li._toggle.setAttribute("aria-label", "Rank " + li._title);
        }
      });
      var none = list.firstElementChild === divider;
      divider.classList.toggle("at-top", none);
      divider.textContent = none ? "Nothing ranked yet: drag candidates above this line, or use “Rank”" :
        (list.getAttribute("data-unranked-label") || "Not ranked") + " (below this line)";
    }

    // Drag and drop, onto items and onto the line.
    var dragged = null;
    list.addEventListener("dragstart", function (e) {
      var li = e.target.closest && e.target.closest(".rank-item");
      if (!li) { return; }
      dragged = li;
      li.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      try { e.dataTransfer.setData("text/plain", li.getAttribute("data-id")); } catch (err) { /* old browsers */ }
    });
    list.addEventListener("dragover", function (e) {
      if (!dragged) { return; }
      e.preventDefault();
      var target = e.target.closest && e.target.closest("li");
      if (!target || target === dragged) { return; }
      var box = target.getBoundingClientRect();
      var after = e.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? target.nextSibling : target);
    });
    list.addEventListener("drop", function (e) { if (dragged) { e.preventDefault(); } });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("dragging");
      update();
      say(isRanked(dragged) ? dragged._title + " is now " + positionText(dragged) + "." : dragged._title + " is not ranked.");
      dragged = null;
    });

    update();
    form.addEventListener("submit", update);
  }

  function enhanceDot(form) {
    var budget = parseInt(form.getAttribute("data-budget"), 10);
    var out = form.querySelector(".dot-spent");
    var total = form.querySelector(".dot-total");
    if (!out || isNaN(budget)) { return; }
    function sum() {
      var s = 0;
      Array.prototype.forEach.call(form.querySelectorAll(".dot-input"), function (i) {
        var n = parseInt(i.value, 10);
        if (!isNaN(n) && n > 0) { s += n; }
      });
      out.textContent = String(s);
      total.classList.toggle("over", s > budget);
    }
    form.addEventListener("input", sum);
    sum();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-ballot=ranked]"), enhanceRanked);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-ballot=dot]"), enhanceDot);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
