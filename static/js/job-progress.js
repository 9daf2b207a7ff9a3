// Follow a background job on its progress page and open its result page when it is done.
// The page works without this script too: it says what happened so far and links to itself.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-progress");
  const state = document.getElementById("job-state");
  let delay = 1000;
  function show(data) {
    if (data.total > 1 && data.status === "running") {
      bar.max = data.total;
      bar.value = data.progress;
    }
    bar.textContent = data.percent + "%";
    if (state.textContent !== data.text) state.textContent = data.text;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        show(data);
        if (data.finished) {
          window.location.assign(data.result_url);
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(() => {
        // A hiccup (a restart, the network): try again, less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
