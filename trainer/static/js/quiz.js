// Quiz attempt page: save each change in the background, count the time down, confirm submit.
// Without JavaScript the page works with its Save and Submit buttons alone. The form's names and
// values are the attempt's opaque tokens; this script sends them as they are and reads nothing.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = document.getElementById("save-state");
  var url = form.getAttribute("data-autosave");
  var timer = null;
  var pending = false;

  function say(text) { if (status) status.textContent = text; }

  function save() {
    pending = false;
    var data = new FormData(form);
    data.delete("then");
    say(script.dataset.saving);
    fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": data.get("csrf_token") }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        // 409: the attempt is closed (submitted, time up); 422: the server refused this save
        // (an answer this attempt never offered) and kept nothing; its message says why.
        if (result.body.redirect) { window.location = result.body.redirect; return; }
        say(result.body.title || script.dataset.offline);
        return;
      }
      document.querySelectorAll("[data-error-for]").forEach(function (el) { el.hidden = true; });
      Object.keys(result.body.errors || {}).forEach(function (position) {
        var el = document.querySelector('[data-error-for="' + position + '"]');
        if (el) { el.textContent = result.body.errors[position]; el.hidden = false; }
      });
      say(script.dataset.saved);
    }).catch(function () { say(script.dataset.offline); });
  }

  function schedule() {
    pending = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 600);
  }
  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") schedule();
  });
  window.addEventListener("beforeunload", function () { if (pending) save(); });

  form.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var clock = document.querySelector(".timer[data-seconds]");
  if (clock) {
    var left = parseInt(clock.getAttribute("data-seconds"), 10);
    var value = document.getElementById("timer-value");
    var tick = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(tick);
        value.textContent = script.dataset.timeup;
        // The server submits the attempt; reloading shows the review.
        save();
        window.setTimeout(function () { window.location.reload(); }, 1500);
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      value.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left === 60) clock.classList.add("timer--low");
    }, 1000);
  }
})();
