// What every page does: fold the navigation behind a "Menu" button on a phone, and make a
// table that scrolls inside its own box reachable by keyboard.
(function () {
  "use strict";

  // A table box that is narrower than its table scrolls; a keyboard user scrolls it once it
  // can take focus. Boxes that fit take no tab stop.
  function focusableScrollers() {
    document.querySelectorAll(".table-scroll, .graph-wrap, pre").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (!box.hasAttribute("data-always-focusable")) box.removeAttribute("tabindex");
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  // Phone navigation. Without JavaScript the list simply wraps, so every destination stays
  // reachable either way.
  var nav = document.querySelector(".site-nav");
  if (!nav) return;
  var toggle = nav.querySelector(".nav-toggle");
  var list = nav.querySelector("ul");
  if (!toggle || !list) return;
  nav.classList.add("site-nav--menu");

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }

  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("is-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
})();
