/* TV screen of the work calendar: a clock and a reload of the week table every N seconds.
   Written in ES5 with XMLHttpRequest so old smart-TV browsers run it; the page also has a
   <meta http-equiv="refresh"> fallback for browsers where this script does not run. */
(function () {
  "use strict";
  var week = document.getElementById("tv-week");
  var clock = document.getElementById("tv-clock");
  if (!week) { return; }
  var url = week.getAttribute("data-url");
  var every = parseInt(week.getAttribute("data-refresh"), 10) || 60;
  // The TV's own clock is often wrong: show the server's time (Vietnam, UTC+7).
  var offset = 0;
  if (clock && clock.getAttribute("data-server-ms")) {
    offset = parseInt(clock.getAttribute("data-server-ms"), 10) - new Date().getTime();
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    if (!clock) { return; }
    var now = new Date(new Date().getTime() + offset + 7 * 3600 * 1000);
    clock.textContent = pad(now.getUTCHours()) + ":" + pad(now.getUTCMinutes()) + ":" + pad(now.getUTCSeconds());
  }
  function reload() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url + (url.indexOf("?") < 0 ? "?" : "&") + "t=" + new Date().getTime(), true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 200) {
        week.innerHTML = xhr.responseText;
        week.setAttribute("data-updated", String(new Date().getTime()));
      }
    };
    xhr.send();
  }
  // A long week does not fit the screen: scroll slowly down, pause, start again at the top.
  var pause = 0;
  function scrollStep() {
    var max = document.documentElement.scrollHeight - window.innerHeight;
    if (max <= 0) { return; }
    if (pause > 0) { pause -= 1; return; }
    if (window.pageYOffset >= max) {
      window.scrollTo(0, 0);
      pause = 100;
    } else {
      window.scrollBy(0, 2);
    }
    if (window.pageYOffset >= max) { pause = 100; }
  }
  tick();
  setInterval(tick, 1000);
  setInterval(scrollStep, 50);
  setInterval(reload, every * 1000);
})();
