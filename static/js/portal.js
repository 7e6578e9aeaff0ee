/* Progressive enhancement: forms work without this file; with it, role-bound fields show only when relevant. */
(function () {
  "use strict";
  function syncRoleFields(form) {
    var select = form.querySelector("[data-role-select]");
    if (!select) { return; }
    var rules = JSON.parse(form.getAttribute("data-role-org-types") || "{}");
    var role = select.value;
    var orgWrap = form.querySelector("[data-field='organization']");
    var partWrap = form.querySelector("[data-field='partnerships']");
    if (orgWrap) {
      var needsOrg = Object.prototype.hasOwnProperty.call(rules, role);
      orgWrap.hidden = !needsOrg;
      var orgSelect = orgWrap.querySelector("select");
      if (orgSelect) {
        Array.prototype.forEach.call(orgSelect.options, function (opt) {
          if (!opt.value) { return; }
          var allowed = !needsOrg || rules[role].indexOf(opt.getAttribute("data-type")) !== -1;
          opt.hidden = !allowed; opt.disabled = !allowed;
        });
        if (!needsOrg) { orgSelect.value = ""; }
      }
    }
    if (partWrap) { partWrap.hidden = role !== "funder"; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-role-org-types]").forEach(function (form) {
      syncRoleFields(form);
      form.addEventListener("change", function (e) {
        if (e.target.matches("[data-role-select]")) { syncRoleFields(form); }
      });
    });
  });
})();
