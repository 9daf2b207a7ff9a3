// A "Copy link" button beside a read-only field: copies its value and says so in a live region, so screen
// readers hear it too. Without script the button stays hidden and the field can be selected by hand.
(function () {
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field || !status) return;
    button.hidden = false;
    field.addEventListener("focus", function () {
      field.select();
    });
    function say(key) {
      status.textContent = "";
      // A fresh text node each time, so a second copy is announced again.
      window.setTimeout(function () {
        status.textContent = status.dataset[key];
      }, 50);
    }
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () {
            say("copied");
          },
          function () {
            say(document.execCommand("copy") ? "copied" : "failed");
          }
        );
      } else {
        say(document.execCommand("copy") ? "copied" : "failed");
      }
    });
  });
})();
