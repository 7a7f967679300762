// Reviewers comment while reading (area collab, issue 12): text selected in
// a section of the RCA page becomes the quote of that section's new
// comment, and the comment form opens. Without JavaScript the quote field
// is typed or pasted by hand.
(function () {
  "use strict";
  function sectionOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest("section[id^='s-']") : null;
  }
  document.addEventListener("mouseup", pick);
  document.addEventListener("keyup", function (ev) { if (ev.shiftKey) { pick(); } });
  function pick() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed) { return; }
    var text = sel.toString().replace(/\s+/g, " ").trim();
    var sec = sectionOf(sel.anchorNode);
    if (!text || !sec || sec !== sectionOf(sel.focusNode) || sec.querySelector(".threads") === null) { return; }
    if (sectionOf(sel.anchorNode.parentElement) && sel.anchorNode.parentElement.closest(".threads, form")) { return; }
    var quote = sec.querySelector(".comment-new input[name=quote]");
    if (!quote) { return; }
    quote.value = text.slice(0, 500);
    quote.closest("details").open = true;
  }
})();
