/* Starts ReDoc on templates/api/redoc.html. ReDoc injects its styles (styled-components) as <style> elements; the
   Content-Security-Policy accepts them only with the request's nonce, which this script was loaded with. */
(function () {
  "use strict";
  var nonce = document.currentScript ? document.currentScript.nonce : "";
  var container = document.getElementById("redoc-container");
  var settingsNode = document.getElementById("redoc-settings");
  var settings = settingsNode ? JSON.parse(settingsNode.textContent) : {};
  if (typeof settings === "string") { settings = JSON.parse(settings); }
  settings.nonce = nonce;
  window.Redoc.init(container.getAttribute("data-spec-url"), settings, container);
})();
