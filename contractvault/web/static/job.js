// Progressive enhancement of a job's page: follow its progress without reloading, then
// load the page again once the job is finished (it shows the result). Without script
// the page has a "Show progress" link instead.
(function () {
  "use strict";
  var status = document.querySelector("[data-job-id]");
  if (!status || status.dataset.finished === "true") { return; }
  var bar = document.getElementById("job-progress");
  var url = "/api/jobs/" + encodeURIComponent(status.dataset.jobId);
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        if (bar && job.percent !== null) { bar.value = job.percent; bar.textContent = job.percent + " %"; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
