// Review page behaviour: seek the video from chapters and lines, highlight the line being
// played, keep the player's place across form submissions, and edit bullet lists.
// No inline script anywhere (the CSP forbids it) and no HTML built from strings.
"use strict";

function clockText(seconds) {
  const whole = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, "0");
  return `${Math.floor(whole / 3600)}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
}

function lastStartingBefore(starts, time) {
  let low = 0, high = starts.length - 1, found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle] <= time) { found = middle; low = middle + 1; } else { high = middle - 1; }
  }
  return found;
}

function setUpPlayer(page) {
  const player = document.getElementById("player");
  const clock = document.getElementById("clock");
  const follow = document.getElementById("follow");
  const lines = Array.from(page.querySelectorAll(".line"));
  const starts = lines.map((line) => Number(line.dataset.start));
  const placeKey = `hearings-review-time:${page.dataset.slug}`;
  let current = null;

  function seek(seconds) {
    if (!player) return;
    player.currentTime = seconds;
    showTime(seconds);
  }

  function showTime(time) {
    clock.textContent = clockText(time);
    const line = lines[lastStartingBefore(starts, time)] || null;
    if (line === current) return;
    if (current) current.classList.remove("current");
    current = line;
    if (!line) return;
    line.classList.add("current");
    if (follow.checked && player && !player.paused) line.scrollIntoView({ block: "center" });
  }

  page.addEventListener("click", (event) => {
    const target = event.target.closest(".seek, .line");
    if (!target || event.target.closest("form, details > summary")) return;
    seek(Number(target.dataset.start));
  });
  if (!player) return;
  player.addEventListener("timeupdate", () => showTime(player.currentTime));
  player.addEventListener("seeked", () => showTime(player.currentTime));
  player.addEventListener("loadedmetadata", () => {
    const saved = Number(sessionStorage.getItem(placeKey));
    if (saved > 0 && !location.hash.startsWith("#line-")) seek(saved);
  });
  window.addEventListener("pagehide", () => {
    sessionStorage.setItem(placeKey, String(player.currentTime));
  });
}

function setUpBulletEditors() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".bullet-editor button");
    if (!button) return;
    const list = button.closest(".bullet-editor").querySelector(".bullet-list");
    const item = button.closest(".bullet");
    if (button.classList.contains("add-bullet")) {
      const fresh = list.querySelector(".bullet:last-child").cloneNode(true);
      fresh.querySelector("input").value = "";
      list.appendChild(fresh);
      fresh.querySelector("input").focus();
    } else if (button.classList.contains("remove")) {
      if (list.children.length > 1) item.remove(); else item.querySelector("input").value = "";
    } else if (button.classList.contains("up") && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.classList.contains("down") && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.querySelector(".hearing");
  if (page) setUpPlayer(page);
  setUpBulletEditors();
});
