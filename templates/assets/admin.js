/* The admin's progressive enhancements.  Every form works without this
 * script; with it:
 *
 * - forms with class "upload" (slides) are sent by XMLHttpRequest so the
 *   <progress> element can follow the upload;
 * - the photo form ("bulk-upload") sends each chosen or dropped file on
 *   its own request, UPLOAD_PARALLEL at a time, each with its own progress
 *   and its own answer: a refused file affects only itself;
 * - the gallery ("ol.photos") can be reordered by dragging; its Up/Down
 *   buttons move without reloading and keep the keyboard focus;
 * - a form with a body limit ("limited", data-max-bytes: the site
 *   settings) is not sent when it is over it, so nothing typed is lost to
 *   the web server's 413. */
(function () {
	"use strict";

	var UPLOAD_PARALLEL = 3;

	/* The page's one status region (templates/admin/_nav.xml) says what
	 * happened; screen readers announce it. */
	function announce(text) {
		var region = document.querySelector("[role=status]");
		if (region)
			region.textContent = text;
	}

	/* ---- single upload forms with a progress bar ---- */

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

	/* ---- photos in bulk ---- */

	/* The readable reason of a refusal: our own plain-text answer, the
	 * message of the admin's error page, or what the status means (nginx
	 * answers 413 itself). */
	function reason(xhr) {
		var type = xhr.getResponseHeader("Content-Type") || "";
		if (type.indexOf("text/plain") === 0 && xhr.responseText)
			return xhr.responseText.trim();
		if (type.indexOf("text/html") === 0 && window.DOMParser) {
			var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
			var msg = doc.querySelector(".error-message");
			if (msg)
				return msg.textContent.trim();
		}
		if (xhr.status === 413)
			return "The file is too large.";
		if (xhr.status === 403)
			return "Not accepted: your session may have expired. Log in again in another tab, then retry.";
		if (xhr.status === 0)
			return "The connection failed; please try again.";
		return "Refused (" + xhr.status + ").";
	}

	function BulkUpload(form) {
		this.form = form;
		this.input = form.querySelector("input[type=file]");
		this.queue = form.querySelector(".upload-queue");
		this.summary = form.querySelector(".upload-summary");
		this.csrf = form.querySelector("input[name=csrf]").value;
		this.waiting = [];
		this.running = 0;
		this.ok = 0;
		this.failed = 0;
		this.total = 0;
	}

	BulkUpload.prototype.add = function (files) {
		for (var i = 0; i < files.length; i++) {
			var li = document.createElement("li");
			var name = document.createElement("span");
			var bar = document.createElement("progress");
			var state = document.createElement("span");
			name.className = "upload-name";
			name.textContent = files[i].name;
			bar.max = 100;
			bar.value = 0;
			bar.setAttribute("aria-label", "Upload of " + files[i].name);
			state.className = "upload-state";
			state.textContent = "waiting";
			li.appendChild(name);
			li.appendChild(bar);
			li.appendChild(state);
			this.queue.appendChild(li);
			this.waiting.push({ file: files[i], li: li, bar: bar, state: state });
			this.total++;
		}
		this.queue.hidden = false;
		this.pump();
	};

	BulkUpload.prototype.pump = function () {
		while (this.running < UPLOAD_PARALLEL && this.waiting.length)
			this.start(this.waiting.shift());
		this.report();
	};

	BulkUpload.prototype.start = function (job) {
		var self = this, xhr = new XMLHttpRequest(), data = new FormData();
		data.append("csrf", this.csrf);
		data.append("one", "1");
		data.append("file", job.file, job.file.name);
		this.running++;
		job.state.textContent = "uploading";
		xhr.open("POST", this.form.action);
		xhr.upload.addEventListener("progress", function (e) {
			if (e.lengthComputable)
				job.bar.value = Math.round(e.loaded * 100 / e.total);
			if (e.loaded === e.total)
				job.state.textContent = "processing";
		});
		xhr.addEventListener("loadend", function () {
			self.running--;
			if (xhr.status === 201) {
				self.ok++;
				job.bar.value = 100;
				job.li.className = "upload-ok";
				job.state.textContent = "added";
			} else {
				self.failed++;
				job.li.className = "upload-failed";
				job.state.textContent = reason(xhr);
			}
			self.pump();
		});
		xhr.send(data);
	};

	BulkUpload.prototype.report = function () {
		var done = this.ok + this.failed, text;
		if (done < this.total) {
			text = "Uploading: " + done + " of " + this.total + " done.";
		} else {
			text = this.ok + " of " + this.total + " photo(s) added" +
				(this.failed ? ", " + this.failed + " refused (see the list)." : ".");
		}
		/* Announced on change only: no chatter per percent. */
		if (this.summary.firstChild && this.summary.firstChild.nodeValue === text)
			return;
		this.summary.textContent = text;
		announce(text);
		if (done === this.total && this.ok) {
			var a = document.createElement("a");
			a.href = this.form.action + "/describe";
			a.textContent = "Describe the new photos";
			this.summary.appendChild(document.createTextNode(" "));
			this.summary.appendChild(a);
		}
	};

	function enhanceBulk(form) {
		if (!window.FormData || !window.XMLHttpRequest)
			return;
		var up = new BulkUpload(form);
		var zone = form.querySelector(".dropzone") || form;
		form.addEventListener("submit", function (e) {
			e.preventDefault();
			if (up.input.files.length)
				up.add(up.input.files);
			up.input.value = "";
		});
		up.input.addEventListener("change", function () {
			if (up.input.files.length)
				up.add(up.input.files);
			up.input.value = "";
		});
		zone.addEventListener("dragover", function (e) {
			if (e.dataTransfer && e.dataTransfer.types.indexOf("Files") >= 0) {
				e.preventDefault();
				zone.classList.add("dragging");
			}
		});
		zone.addEventListener("dragleave", function () {
			zone.classList.remove("dragging");
		});
		zone.addEventListener("drop", function (e) {
			zone.classList.remove("dragging");
			if (!e.dataTransfer || !e.dataTransfer.files.length)
				return;
			e.preventDefault();
			up.add(e.dataTransfer.files);
		});
	}

	/* ---- forms with a body limit ---- */

	/* The multipart body's bytes, closely enough: each field's name and
	 * UTF-8 value (line breaks go as CRLF) and its part's headers. */
	function bodyBytes(form) {
		var enc = new TextEncoder(), n = 0;
		new FormData(form).forEach(function (value, name) {
			if (typeof value === "string")
				n += 100 + enc.encode(name).length +
					enc.encode(value.replace(/\r?\n/g, "\r\n")).length;
		});
		return n;
	}

	function enhanceLimit(form) {
		var max = Number(form.getAttribute("data-max-bytes"));
		var note = document.getElementById("form-limit");
		if (!max || !note || !window.FormData || !window.TextEncoder)
			return;
		form.addEventListener("submit", function (e) {
			var n = bodyBytes(form);
			note.hidden = n <= max;
			if (n <= max)
				return;
			e.preventDefault();
			note.textContent = "Not saved: the texts together are " + Math.ceil(n / 1024) +
				" KB, more than the " + Math.floor(max / 1024) + " KB this form takes." +
				" Everything you typed is still here: shorten a text, then save again.";
			note.focus();
		});
	}

	/* ---- reordering the gallery ---- */

	function post(url, fields, done) {
		var xhr = new XMLHttpRequest(), data = new FormData();
		for (var k in fields)
			data.append(k, fields[k]);
		xhr.open("POST", url);
		xhr.addEventListener("loadend", function () {
			done(xhr.status >= 200 && xhr.status < 400);
		});
		xhr.send(data);
	}

	/* Up/Down enabled except at the ends, as the server renders them. */
	function refreshEnds(list) {
		var items = list.children;
		for (var i = 0; i < items.length; i++) {
			var up = items[i].querySelector("button[name=dir][value=up]");
			var down = items[i].querySelector("button[name=dir][value=down]");
			if (up)
				up.disabled = i === 0;
			if (down)
				down.disabled = i === items.length - 1;
		}
	}

	function enhanceOrder(list) {
		var csrf = document.querySelector("input[name=csrf]");
		var dragged = null;
		if (!csrf || !window.FormData)
			return;
		csrf = csrf.value;

		function failed() {
			/* The server's order is the truth: show it again. */
			window.location.reload();
		}


		list.addEventListener("submit", function (e) {
			var form = e.target, button = e.submitter;
			if (!/\/move$/.test(form.action) || !button)
				return;
			e.preventDefault();
			var li = form.closest("li"), dir = button.value;
			var other = dir === "up" ? li.previousElementSibling : li.nextElementSibling;
			if (!other)
				return;
			list.insertBefore(li, dir === "up" ? other : other.nextElementSibling);
			refreshEnds(list);
			(button.disabled ? form.querySelector("button:not([disabled])") : button).focus();
			announce("Moved " + dir + ".");
			post(form.action, { csrf: csrf, dir: dir }, function (ok) { if (!ok) failed(); });
		});

		for (var i = 0; i < list.children.length; i++)
			list.children[i].draggable = true;
		list.addEventListener("dragstart", function (e) {
			dragged = e.target.closest && e.target.closest("li");
			if (!dragged)
				return;
			dragged.classList.add("moving");
			e.dataTransfer.effectAllowed = "move";
			e.dataTransfer.setData("text/plain", dragged.dataset.id);
		});
		list.addEventListener("dragover", function (e) {
			if (dragged)
				e.preventDefault();
		});
		list.addEventListener("drop", function (e) {
			var target = e.target.closest && e.target.closest("li");
			if (!dragged || !target || target === dragged)
				return;
			e.preventDefault();
			var r = target.getBoundingClientRect();
			/* One column (a phone): above or below; a grid: left or right. */
			var after = r.width > list.clientWidth * 0.66
				? e.clientY > r.top + r.height / 2
				: e.clientX > r.left + r.width / 2;
			var before = after ? target.nextElementSibling : target;
			list.insertBefore(dragged, before);
			refreshEnds(list);
			var url = dragged.querySelector("form[action$='/move']").action;
			announce("Moved.");
			post(url, { csrf: csrf, before: before ? before.dataset.id : "end" },
			     function (ok) { if (!ok) failed(); });
		});
		list.addEventListener("dragend", function () {
			if (dragged)
				dragged.classList.remove("moving");
			dragged = null;
		});
	}

	/* Coming back from a plain POST to "#photo-12": the keyboard goes on
	 * where it was, at that item's move buttons. */
	function restoreFocus() {
		var id = window.location.hash.slice(1);
		var li = id && document.getElementById(id);
		if (!li || li.tagName !== "LI")
			return;
		var b = li.querySelector("button[name=dir]:not([disabled])") || li;
		b.focus();
	}

	var forms = document.querySelectorAll("form.upload");
	for (var i = 0; i < forms.length; i++)
		enhance(forms[i]);
	var bulk = document.querySelectorAll("form.bulk-upload");
	for (var j = 0; j < bulk.length; j++)
		enhanceBulk(bulk[j]);
	var limited = document.querySelectorAll("form.limited");
	for (var l = 0; l < limited.length; l++)
		enhanceLimit(limited[l]);
	var lists = document.querySelectorAll("ol.photos");
	for (var k = 0; k < lists.length; k++)
		enhanceOrder(lists[k]);
	restoreFocus();
})();

/* The warning before the session ends.  The page says how many seconds
 * its session has left (data-left) and how long a request renews it
 * (data-idle); a few minutes before the end a notice offers to stay
 * logged in with a harmless request (GET /admin/session, which renews the
 * session like any page).  After the end it says that Save asks for a
 * log-in and then saves what was typed (nothing is lost). */
(function () {
	"use strict";
	var WARN_S = 300;
	var box = document.getElementById("session-notice");
	if (!box || !window.fetch)
		return;
	var text = box.querySelector(".session-text");
	var stay = box.querySelector("button");
	var deadline = 0, timers = [];

	function show(msg, canStay) {
		text.textContent = msg;
		stay.hidden = !canStay;
		box.hidden = false;
	}

	function warn() {
		var min = Math.max(1, Math.round((deadline - Date.now()) / 60000));
		show("Your session ends in about " + min + (min === 1 ? " minute" : " minutes") +
			" without activity. Anything not saved stays on this page either way:" +
			" after the end, Save asks you to log in and then saves it.", true);
	}

	function ended() {
		show("Your session has ended. What you typed is still on this page:" +
			" Save asks you to log in and then saves it.", false);
	}

	function arm(left) {
		timers.forEach(clearTimeout);
		deadline = Date.now() + left * 1000;
		box.hidden = true;
		timers = [setTimeout(warn, Math.max(0, left - WARN_S) * 1000),
			setTimeout(ended, Math.max(0, left) * 1000)];
	}

	stay.addEventListener("click", function () {
		fetch("/admin/session", { credentials: "same-origin", cache: "no-store" })
			.then(function (r) {
				if (r.status === 204)
					arm(Number(box.getAttribute("data-idle")));
				else
					ended();
			}, function () { /* offline: the notice stays */ });
	});
	arm(Number(box.getAttribute("data-left")));
})();
