/* Progressive enhancement: every form works without this file. With it: role-bound fields show only when
   relevant, employer-only fields follow the organization type, the NAICS picker fills its input, a seat
   form lists only the chosen organization's people, htmx swaps in 400 responses (forms with errors), and the
   SOC occupation picker of the need form (same markup as the NAICS picker) refreshes the market-wage panel. */
(function () {
  "use strict";

  // --- htmx: show a refused form's errors (400) instead of ignoring the response -----------------------
  function configureHtmx() {
    if (!window.htmx) { return; }
    document.documentElement.classList.add("has-htmx");
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "400", swap: true, error: false },
      { code: "[45]..", swap: false, error: true }
    ];
  }

  // --- Invitations and memberships: the organization a role is bound to ---------------------------------
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

  // --- Organizations: size band and NAICS code describe employers only ----------------------------------
  function syncEmployerFields(form) {
    var select = form.querySelector("[data-org-type-select]");
    if (!select) { return; }
    var isEmployer = select.value === "employer" || select.value === "";
    form.querySelectorAll("[data-employer-only]").forEach(function (el) { el.hidden = !isEmployer; });
  }

  // --- NAICS picker: results are buttons under the input; picking one fills the input ------------------
  function naicsInputFor(results) {
    return document.querySelector("[data-naics-input='" + results.id + "']");
  }

  function pickNaics(button) {
    var results = button.closest(".naics-results");
    var input = results && naicsInputFor(results);
    if (!input) { return; }
    input.value = button.getAttribute("data-naics-pick");
    results.innerHTML = "";
    // Listeners such as the need form's market-wage panel follow the picked value.
    input.dispatchEvent(new Event("change", { bubbles: true }));
    var note = document.createElement("p");
    note.className = "small mb-1 text-success-emphasis";
    note.setAttribute("role", "status");
    note.textContent = "\u2713 " + button.getAttribute("data-naics-pick") + " is " +
      button.getAttribute("data-naics-title") + ".";
    results.appendChild(note);
    input.focus();
  }

  function moveInList(current, step) {
    var list = current.closest(".naics-list");
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-naics-pick]"));
    var next = items[items.indexOf(current) + step];
    if (next) { next.focus(); } else if (step < 0) {
      var input = naicsInputFor(current.closest(".naics-results"));
      if (input) { input.focus(); }
    }
  }

  // --- Seat an organization: show only the chosen organization's people ---------------------------------
  function syncSeatPeople(form) {
    var select = form.querySelector("[data-seat-organization]");
    var people = form.querySelector("[data-seat-people]");
    if (!select || !people) { return; }
    var org = select.value;
    var shown = 0;
    people.querySelectorAll("input[data-org]").forEach(function (box) {
      var wrap = box.closest(".form-check");
      var match = org !== "" && box.getAttribute("data-org") === org;
      if (wrap) { wrap.hidden = !match; }
      if (!match) { box.checked = false; } else { shown += 1; }
    });
    var list = people.querySelector(".seat-people");
    if (list) { list.hidden = shown === 0; }
    var hint = people.querySelector("[data-seat-people-hint]");
    if (hint) {
      hint.textContent = org === "" ? "Choose the organization first to see its people." :
        "Tick the people who speak for the organization.";
    }
    var none = people.querySelector("[data-seat-people-none]");
    if (none) { none.hidden = org === "" || shown > 0; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    configureHtmx();
    document.querySelectorAll("form[data-role-org-types]").forEach(function (form) {
      syncRoleFields(form);
      form.addEventListener("change", function (e) {
        if (e.target.matches("[data-role-select]")) { syncRoleFields(form); }
      });
    });
    document.querySelectorAll("form[data-org-form]").forEach(function (form) {
      syncEmployerFields(form);
      form.addEventListener("change", function (e) {
        if (e.target.matches("[data-org-type-select]")) { syncEmployerFields(form); }
      });
    });
    document.querySelectorAll("form[data-seat-form]").forEach(function (form) {
      syncSeatPeople(form);
      form.addEventListener("change", function (e) {
        if (e.target.matches("[data-seat-organization]")) { syncSeatPeople(form); }
      });
    });
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-naics-pick]");
    if (button) { e.preventDefault(); pickNaics(button); }
  });

  document.addEventListener("keydown", function (e) {
    var target = e.target;
    if (target.matches && target.matches("[data-naics-input]")) {
      var results = document.getElementById(target.getAttribute("data-naics-input"));
      var first = results && results.querySelector("[data-naics-pick]");
      if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
      if (e.key === "Escape" && results) { results.innerHTML = ""; }
    } else if (target.matches && target.matches("[data-naics-pick]")) {
      if (e.key === "ArrowDown") { e.preventDefault(); moveInList(target, 1); }
      if (e.key === "ArrowUp") { e.preventDefault(); moveInList(target, -1); }
      if (e.key === "Escape") {
        var input = naicsInputFor(target.closest(".naics-results"));
        target.closest(".naics-results").innerHTML = "";
        if (input) { input.focus(); }
      }
    }
  });
})();
