// Marks the page ready the way the app marks its form interactive.
document.documentElement.dataset.ready = "true";
