/* Upload progress for the admin forms with class "upload".
 *
 * Progressive enhancement only: without this script the forms are plain
 * POSTs and work the same.  With it, the form is sent by XMLHttpRequest so
 * the <progress> element can follow the upload.  After success (the 303 was
 * followed) the browser goes to the page it led to; after an error the
 * answer - the form again with its messages - replaces the document. */
(function () {
	"use strict";

	function show(xhr) {
		if (xhr.status < 400 && xhr.responseURL) {
			window.location.assign(xhr.responseURL);
			return;
		}
		document.open();
		document.write(xhr.responseText);
		document.close();
	}

	function send(form, bar, button) {
		var xhr = new XMLHttpRequest();
		xhr.open("POST", form.action);
		xhr.upload.addEventListener("progress", function (e) {
			if (!e.lengthComputable)
				return;
			var pct = Math.round(e.loaded * 100 / e.total);
			bar.value = pct;
			bar.textContent = pct + " %";
		});
		xhr.addEventListener("load", function () { show(xhr); });
		xhr.addEventListener("error", function () {
			/* The network failed: fall back to the plain form. */
			bar.hidden = true;
			button.disabled = false;
			form.submit();
		});
		xhr.send(new FormData(form));
	}

	function enhance(form) {
		var bar = form.querySelector("progress.upload-progress");
		if (!bar || !window.FormData || !window.XMLHttpRequest)
			return;
		form.addEventListener("submit", function (e) {
			var button = form.querySelector("button[type=submit]");
			e.preventDefault();
			bar.hidden = false;
			bar.value = 0;
			if (button)
				button.disabled = true;
			send(form, bar, button || {});
		});
	}

	var forms = document.querySelectorAll("form.upload");
	for (var i = 0; i < forms.length; i++)
		enhance(forms[i]);
})();
