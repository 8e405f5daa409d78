/* Session videos, click to load: the page shows a local poster and asks
 * nothing of YouTube or Vimeo until the visitor presses play; only then
 * does the player's frame load, from the sites' privacy modes
 * (youtube-nocookie.com, Vimeo's dnt=1).  Without this script the posters
 * stay hidden and the plain links remain. */
'use strict';
(function () {
	var PLAYERS = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/)[^"<>\s]*$/;

	// autoplay=1 before any fragment (Vimeo's #t=30s start time).
	function withAutoplay(src) {
		var hash = src.indexOf('#'), frag = hash < 0 ? '' : src.slice(hash);
		var base = hash < 0 ? src : src.slice(0, hash);
		return base + (base.indexOf('?') < 0 ? '?' : '&') + 'autoplay=1' + frag;
	}

	function play(box, src) {
		var f = document.createElement('iframe');
		f.src = withAutoplay(src);
		f.title = box.getAttribute('data-title') || 'Video';
		f.allow = 'autoplay; fullscreen; picture-in-picture; encrypted-media';
		f.allowFullscreen = true;
		f.referrerPolicy = 'strict-origin-when-cross-origin';
		box.replaceChildren(f);
		f.focus();
	}

	document.querySelectorAll('.player[data-embed]').forEach(function (box) {
		var src = box.getAttribute('data-embed');
		if (!PLAYERS.test(src))
			return;
		box.hidden = false;
		box.querySelector('button').addEventListener('click', function () { play(box, src); });
	});
})();
