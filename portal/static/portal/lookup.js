// The receipt's QR code carries the PIN in the link's fragment (/?code=…#pin=…), which a
// browser never sends, so no server or proxy logs it: this fills the lookup form from it,
// drops it from the address bar and history, and sends the form (a POST).
(function () {
  var match = /(?:^#|&)pin=([^&]+)/.exec(window.location.hash);
  var form = document.querySelector("form.lookup");
  if (!match || !form) return;
  form.querySelector("[name=pin]").value = decodeURIComponent(match[1]);
  history.replaceState(null, "", window.location.pathname + window.location.search);
  form.submit();
})();
