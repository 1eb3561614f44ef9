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


// Behaviour is wired here, never in inline attributes: the Content-Security-Policy allows
// scripts from our own files only.
// data-submit-on-change: a select that applies itself (the header's language).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});
// data-print: a button that prints the page (the receipt).
document.addEventListener("click", function (event) {
  if (event.target.closest("button[data-print]")) window.print();
});
// data-reveals="id": a link whose use makes a hidden part of the page relevant (the rating
// form, once the signed result is downloaded and the case returned).
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-reveals]");
  var part = link && document.getElementById(link.dataset.reveals);
  if (part) part.hidden = false;
});
