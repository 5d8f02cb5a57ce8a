// The pretend brand's front end: it boots the Signet widget with the token its
// backend signed, and asks the backend for a fresh one when a session expires.
(function () {
  var config = document.getElementById("demo-config").dataset;
  window.Signet.boot({
    appId: config.appId,
    identityToken: config.token,
    name: config.name,
    fetchIdentityToken: function () {
      return fetch("/demo/token", { method: "POST" })
        .then(function (r) { return r.json(); })
        .then(function (j) { return j.token; });
    },
  });
})();
