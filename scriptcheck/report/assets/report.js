/* scriptcheck report: select a highlight to see its explanation; filters hide findings. Offline. */
(function () {
  function select(id) {
    document.querySelectorAll(".selected").forEach(function (el) { el.classList.remove("selected"); });
    var item = document.getElementById(id);
    if (!item) { return; }
    item.classList.add("selected", "open");
    document.querySelectorAll("[data-f~='" + id + "']").forEach(function (el) { el.classList.add("selected"); });
    var list = item.closest("ol.findings");
    if (list && list.scrollHeight > list.clientHeight + 1) {
      list.scrollTop += item.getBoundingClientRect().top - list.getBoundingClientRect().top - 4;
    } else {
      item.scrollIntoView({block: "nearest"});
    }
  }
  document.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-f], .banner[data-f]");
    if (mark && !mark.classList.contains("off")) {
      var ids = mark.getAttribute("data-f").split(" ").filter(function (id) {
        var el = document.getElementById(id); return el && !el.classList.contains("hidden");
      });
      if (ids.length) {
        var current = ids.indexOf(mark.getAttribute("data-current"));
        var next = ids[(current + 1) % ids.length];
        mark.setAttribute("data-current", next);
        select(next);
      }
      return;
    }
    var head = event.target.closest("li.finding .head");
    if (head) {
      var li = head.closest("li.finding");
      if (li.classList.contains("open")) { li.classList.remove("open"); } else { select(li.id); }
    }
  });
  function applyFilters() {
    var off = {};
    document.querySelectorAll(".filters input[type=checkbox]").forEach(function (box) {
      if (!box.checked) { off[box.name + "=" + box.value] = true; }
    });
    document.querySelectorAll("li.finding").forEach(function (li) {
      var hide = off["severity=" + li.dataset.severity] || off["category=" + li.dataset.category] ||
                 off["pack=" + li.dataset.pack];
      li.classList.toggle("hidden", !!hide);
    });
    document.querySelectorAll("mark[data-f], .banner[data-f]").forEach(function (mark) {
      var shown = mark.getAttribute("data-f").split(" ").filter(function (id) {
        var el = document.getElementById(id); return el && !el.classList.contains("hidden");
      });
      var sev = ["error", "warning", "info"].find(function (s) {
        return shown.some(function (id) { return document.getElementById(id).dataset.severity === s; });
      });
      mark.classList.remove("error", "warning", "info");
      if (mark.tagName === "MARK") { mark.classList.toggle("off", !sev); }
      else { mark.classList.toggle("hidden", !sev); }
      if (sev) { mark.classList.add(sev); }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.closest(".filters")) { applyFilters(); }
  });
  window.addEventListener("beforeprint", function () {   // a printed report shows every path
    document.querySelectorAll("details.paths").forEach(function (d) { d.open = true; });
  });
  window.scriptcheckSelect = select;
  window.scriptcheckFilter = applyFilters;
})();
