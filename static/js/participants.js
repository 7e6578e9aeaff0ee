/* Progressive enhancement for a participant's record; every form works without this file.
   - Retention check: "With the same employer?" and the wage matter only when the person is still employed.
   - Placement: the employer's name is typed only when no partner employer is chosen. */
(function () {
  "use strict";

  function syncCheck(form) {
    var employed = form.querySelector("input[name$='-employed']:checked");
    var notEmployed = employed && employed.value === "no";
    form.querySelectorAll("[name$='-same_employer'], [name$='-current_wage']").forEach(function (input) {
      input.disabled = notEmployed;
    });
  }

  function syncEmployer(form) {
    var select = form.querySelector("select[name='placement-employer']");
    var name = form.querySelector("input[name='placement-employer_name']");
    if (!select || !name) { return; }
    name.disabled = select.value !== "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) { syncCheck(form); syncEmployer(form); });
  });
  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form");
    if (!form) { return; }
    if (e.target.matches("input[name$='-employed']")) { syncCheck(form); }
    if (e.target.matches("select[name='placement-employer']")) { syncEmployer(form); }
  });
})();
