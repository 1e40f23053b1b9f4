/* Dash 4's dcc.Dropdown gives keyboard focus to an input marked aria-hidden, and names its
   button by the current value only, so a screen reader hears neither the label nor that it
   is a list. Repair each dropdown as it appears: the focus target becomes a combobox named
   by the <label for=...> and the current value. */
(function () {
  function set(el, name, value) {            // write only on change: writes wake the observer
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  function repair(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (!target || !button || !button.id) return;
      var label = document.querySelector('label[for="' + button.id + '"]');
      if (label && !label.id) label.id = button.id + "-label";
      if (target.hasAttribute("aria-hidden")) target.removeAttribute("aria-hidden");
      set(target, "role", "combobox");
      set(target, "aria-haspopup", "listbox");
      set(target, "aria-expanded", button.getAttribute("aria-expanded") || "false");
      set(target, "aria-labelledby", (label ? label.id + " " : "") + button.id + "-value");
    });
  }
  new MutationObserver(function () { repair(document); })
    .observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-expanded"] });
})();
