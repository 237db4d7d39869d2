// Role-play player: send replies without reloading, read the customer aloud on request, and
// count down the per-turn time. Without JavaScript each reply loads the next page.
(function () {
  "use strict";
  var storageKey = "trainer.speak";

  function speak(root) {
    var box = document.getElementById("speak");
    if (!box || !box.checked || !("speechSynthesis" in window)) return;
    var line = root.querySelector("[data-current]");
    if (!line) return;
    var player = document.getElementById("player");
    var utterance = new SpeechSynthesisUtterance(line.textContent);
    utterance.lang = player.getAttribute("data-lang");
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  // The server decides what is late and when the customer hangs up; the countdown only
  // shows its clock (the page carries the seconds the server counted).
  var countdown = null;
  function startTimer(root) {
    window.clearInterval(countdown);
    var player = document.getElementById("player");
    var seconds = parseInt(player.getAttribute("data-seconds"), 10);
    var hangUp = parseInt(player.getAttribute("data-hang-up"), 10);
    var box = root.querySelector(".turn__timer");
    var late = root.querySelector(".turn__late");
    if (isNaN(seconds) || !box) return;
    box.hidden = false;
    var value = box.querySelector("[data-countdown]");
    function tick() {
      value.textContent = Math.max(seconds, 0);
      if (seconds <= 10) box.classList.add("timer--low");
      if (seconds <= 0 && late) late.hidden = false;
      if (!isNaN(hangUp) && hangUp <= 0) {
        window.clearInterval(countdown);
        window.location.reload();  // the server ends the call and shows the debrief
      }
    }
    tick();
    countdown = window.setInterval(function () {
      seconds -= 1;
      hangUp -= 1;
      tick();
    }, 1000);
  }

  function wire(root) {
    var toggle = root.querySelector(".speech-toggle");
    var box = document.getElementById("speak");
    if (toggle && "speechSynthesis" in window) {
      toggle.hidden = false;
      box.checked = window.localStorage.getItem(storageKey) === "1";
      box.addEventListener("change", function () {
        window.localStorage.setItem(storageKey, box.checked ? "1" : "0");
        speak(document);
      });
    }
    var form = root.querySelector(".turn__form");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            if (response.redirected && response.url.indexOf("/debrief") !== -1) {
              window.location = response.url;
              return null;
            }
            return response.text();
          })
          .then(function (html) {
            if (html === null) return;
            var doc = new DOMParser().parseFromString(html, "text/html");
            var next = doc.getElementById("player");
            var main = document.querySelector("main");
            var flashes = doc.querySelector(".flashes");
            if (!next) { document.open(); document.write(html); document.close(); return; }
            main.innerHTML = (flashes ? flashes.outerHTML : "") + next.outerHTML;
            wire(main);
            var turn = main.querySelector(".turn");
            if (turn) turn.scrollIntoView({ block: "end" });
            // The customer's new line takes the focus, so a keyboard or screen-reader user
            // hears the answer and goes on from there rather than from the top of the page.
            var line = main.querySelector("[data-current]");
            if (line) {
              line.setAttribute("tabindex", "-1");
              line.focus({ preventScroll: true });
            }
            speak(main);
            startTimer(main);
          })
          .catch(function () { form.submit(); });
      });
    }
  }

  wire(document);
  speak(document);
  startTimer(document);
})();
