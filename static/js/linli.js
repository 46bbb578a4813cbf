// Linli's only script: progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // htmx would insert its indicator rules as an inline <style>, which the CSP refuses (a
  // console error on every page); the same rules are at the end of linli.css instead.
  if (window.htmx) { window.htmx.config.includeIndicatorStyles = false; }
  // Close the language menu when a choice is made or the page is clicked elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.lang-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  // Forms marked data-confirm ask before submitting (votes, deletions, publishing).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { event.preventDefault(); }
  });
})();
