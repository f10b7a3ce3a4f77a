// Marks the form usable (and the page ready) the way the app marks its
// own: a deferred script runs once the HTML is parsed and the stylesheet
// has arrived.
document.documentElement.dataset.usable = "true";
document.documentElement.dataset.ready = "true";
