// Behaviour the pages need without inline script (the Content-Security-Policy allows scripts from Luoshi's
// own static files only): a form with data-confirm asks before it is sent.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
