/* Photo pages: the arrow keys follow the previous/next links.  The links
 * work without this file; it only adds the keys.  Keys are left alone
 * while a modifier is held (browser shortcuts) or focus is in a form
 * field. */
'use strict';
document.addEventListener('keydown', function (e) {
	if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey)
		return;
	var t = e.target;
	if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))
		return;
	var a = document.querySelector('.photo-nav a[data-key="' + e.key + '"]');
	if (!a)
		return;
	e.preventDefault();
	window.location.href = a.href;
});
