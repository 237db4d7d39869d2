// Lesson editor: preview each language's body as it is typed, rendered and sanitised by the
// server exactly as the lesson page renders it. Without JavaScript the form still checks,
// saves drafts and publishes.
(function () {
  "use strict";
  var form = document.getElementById("lesson-editor");
  if (!form) return;
  var url = form.getAttribute("data-preview");
  var token = form.querySelector("input[name=csrf_token]").value;
  var timers = {};

  function preview(area) {
    var data = new FormData();
    data.append("text", area.value);
    data.append("csrf_token", token);
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-CSRFToken": token } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        document.getElementById(area.getAttribute("data-preview-target")).innerHTML = body.html;
      });
  }

  form.querySelectorAll("textarea[data-preview-target]").forEach(function (area) {
    preview(area);
    area.addEventListener("input", function () {
      window.clearTimeout(timers[area.id]);
      timers[area.id] = window.setTimeout(function () { preview(area); }, 400);
    });
  });
})();
