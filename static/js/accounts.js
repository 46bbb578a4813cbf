// Login page: after a code is sent, the "send code" button counts down until another may be
// asked for. Without this script the server still refuses early resends with a clear message.
(function () {
  "use strict";
  var timer = null;

  function countDown() {
    var status = document.getElementById("sms-status");
    var button = document.getElementById("sms-send");
    if (!status || !button) { return; }
    var seconds = parseInt(status.getAttribute("data-resend-after") || "0", 10);
    if (!(seconds > 0)) { return; }
    if (!button.hasAttribute("data-label")) { button.setAttribute("data-label", button.textContent.trim()); }
    var waitLabel = button.getAttribute("data-wait-label") || "{s}";
    if (timer) { window.clearInterval(timer); }
    function tick() {
      if (seconds <= 0) {
        window.clearInterval(timer);
        timer = null;
        button.disabled = false;
        button.textContent = button.getAttribute("data-label");
        return;
      }
      button.disabled = true;
      button.textContent = waitLabel.replace("{s}", String(seconds));
      seconds -= 1;
    }
    tick();
    timer = window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", countDown);
  // The status line is swapped in whole (outerHTML); start counting once it has settled.
  document.addEventListener("htmx:afterSettle", countDown);
})();
