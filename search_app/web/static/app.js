// Progressive enhancement only: every page works without this file.
// Long facet lists get a box that filters their values as you type (Latin or Arabic spelling):
// a value matches by its label or by any other name it has (data-names: HTS is also Nusra, هيئة
// تحرير الشام; ISIS is also داعش).
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD")
      .replace(/[\u0300-\u036f\u064b-\u0652\u0640]/g, "")  // Latin accents, Arabic tashkeel, tatweel
      .replace(/[\u0622\u0623\u0625]/g, "\u0627")  // alef forms
      .replace(/\u0629/g, "\u0647")  // taa marbuta
      .replace(/\u0649/g, "\u064a")  // alef maqsura
      .replace(/['\u2019\u02bf\u02be-]/g, "")
      .toLowerCase();
  }

  function enhance(facet, placeholder) {
    var more = facet.querySelector("details.more");
    if (!more) { return; }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "facet-filter";
    input.placeholder = placeholder;
    input.setAttribute("aria-label", placeholder + " " + (facet.querySelector("h2") || {}).textContent);
    facet.insertBefore(input, facet.querySelector("ul"));
    var items = Array.prototype.slice.call(facet.querySelectorAll("li")).map(function (item) {
      var link = item.querySelector("a");
      var names = item.querySelector(".label").textContent + " | " + ((link && link.getAttribute("data-names")) || "");
      return {element: item, names: fold(names)};
    });
    var wasOpen = more.open;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      items.forEach(function (item) {
        item.element.hidden = wanted !== "" && item.names.indexOf(wanted) === -1;
      });
      more.open = wanted !== "" ? true : wasOpen;
    });
    more.addEventListener("toggle", function () { if (!input.value) { wasOpen = more.open; } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Wide screens show the filters and the overview always (style.css does it where the browser
    // knows ::details-content); opening them also tells assistive technology they are shown.
    if (window.matchMedia("(min-width: 761px)").matches) {
      Array.prototype.forEach.call(document.querySelectorAll("details.filters, details.overview-toggle"), function (details) {
        details.open = true;
      });
    }
    var aside = document.querySelector("aside.facets");
    if (!aside) { return; }
    var placeholder = aside.getAttribute("data-filter-placeholder") || "Filter";
    Array.prototype.forEach.call(aside.querySelectorAll("section.facet"), function (facet) {
      enhance(facet, placeholder);
    });
  });
}());
