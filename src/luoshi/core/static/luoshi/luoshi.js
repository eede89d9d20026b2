// Behaviour the pages need without inline script (the Content-Security-Policy allows scripts from Luoshi's
// own static files only): a form with data-confirm asks before it is sent.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// A checkbox with data-select-all="<selector>" ticks or clears every checkbox the selector names (the batch
// pages' "select this page").
document.addEventListener("change", function (event) {
  var selector = event.target.getAttribute && event.target.getAttribute("data-select-all");
  if (!selector) {
    return;
  }
  document.querySelectorAll(selector).forEach(function (box) {
    box.checked = event.target.checked;
  });
});
