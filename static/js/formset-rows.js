// "Add an action item" without a round trip: copy the empty row kept in a <template> beside the form.
// Without this script the button posts the form and the server returns it with one more row; both keep
// everything already typed. The template lives outside the form so its placeholder fields are never sent.
(function () {
  "use strict";
  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty-row");
    var rows = document.getElementById(prefix + "-rows");
    var form = button.form;
    if (!template || !rows || !form) {
      return;
    }
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    button.addEventListener("click", function (event) {
      var count = parseInt(total.value, 10);
      var limit = max ? parseInt(max.value, 10) : Infinity;
      if (isNaN(count) || count >= limit) {
        return; // let the server answer: it knows the limit and says so
      }
      event.preventDefault();
      var html = template.innerHTML.replace(/__prefix__/g, String(count)).replace(/__number__/g, String(count + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(count + 1);
      if (count + 1 >= limit) {
        button.hidden = true;
      }
      var added = rows.lastElementChild;
      var first = added && added.querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    });
  });
})();
