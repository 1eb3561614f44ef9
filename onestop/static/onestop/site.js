// Onestop: the little script every page shares (the pages work without it).

// A form marked data-once is sent once: a double click does not send it twice (the server
// also guards with the form's token).
document.addEventListener("submit", function (event) {
  var form = event.target;
  // data-confirm: a one-click step that moves money asks first.
  if (form.dataset.confirm && !form.dataset.sent && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!form.matches("form[data-once]")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.setAttribute("aria-disabled", "true");
  });
});

