/* Progressive enhancement for the program and cohort pages; every form works without this file.
   - Attendance sheet: "Mark everyone present" (or another status) fills every unmarked or marked row, announced.
   - Program form: the registered-apprenticeship fields show only for that program type (or when they hold
     values or errors). */
(function () {
  "use strict";

  function markAll(button) {
    var form = button.closest("form");
    var value = button.getAttribute("data-mark-all");
    if (!form) { return; }
    var count = 0;
    form.querySelectorAll("input[type='radio'][data-mark][value='" + value + "']").forEach(function (radio) {
      radio.checked = true;
      count += 1;
    });
    var status = document.getElementById(button.getAttribute("aria-controls") + "-status");
    if (status) {
      status.textContent = count + (count === 1 ? " person" : " people") + " marked " +
        button.getAttribute("data-mark-label") + ". Change anyone who was not, then save.";
    }
  }

  function syncApprenticeship(form) {
    var select = form.querySelector("[data-program-type]");
    var block = form.querySelector("[data-apprenticeship]");
    if (!select || !block) { return; }
    var keep = block.getAttribute("data-keep") === "1";
    block.hidden = !(keep || select.value === "registered_apprenticeship");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-mark-all]").forEach(function (button) { button.hidden = false; });
    document.querySelectorAll("form[data-program-form]").forEach(function (form) {
      syncApprenticeship(form);
      form.addEventListener("change", function (e) {
        if (e.target.matches("[data-program-type]")) { syncApprenticeship(form); }
      });
    });
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-mark-all]");
    if (button) { e.preventDefault(); markAll(button); }
  });
})();
